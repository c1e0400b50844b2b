using SecureMonitor.Watcher.Spool;

namespace SecureMonitor.Watcher.Tests.Spool;

/// <summary>A fresh data directory per test, removed afterwards, with helpers to look at (and damage) the files.</summary>
internal sealed class SpoolTestDirectory : IDisposable
{
    /// <summary>Payload of the envelopes the tests append; a record is then 17 + 100 bytes.</summary>
    public const int PayloadBytes = 100;
    public const int RecordBytes = DurableSpool.RecordHeaderBytes + PayloadBytes;
    public const int SegmentHeaderBytes = 8;

    public SpoolTestDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sm-spool-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string SpoolPath => System.IO.Path.Combine(Path, DurableSpool.DirectoryName);

    /// <summary>A segment holding exactly <paramref name="records"/> test records.</summary>
    public static SpoolOptions SegmentsOf(int records, long maxBytes = 64L * 1024 * 1024) =>
        new() { SegmentBytes = SegmentHeaderBytes + (records * RecordBytes), MaxBytes = maxBytes };

    /// <summary>Recognisable content: the sequence in every byte position, so a mix-up shows.</summary>
    public static byte[] Envelope(ulong sequence)
    {
        var bytes = new byte[PayloadBytes];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(sequence * 31 + (ulong)i);
        }

        return bytes;
    }

    public DurableSpool Open(SpoolOptions? options = null) => DurableSpool.Open(Path, options);

    public string[] SegmentFiles() =>
        Directory.GetFiles(SpoolPath, "segment-*")
            .Select(System.IO.Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToArray()!;

    public string SegmentPath(string fileName) => System.IO.Path.Combine(SpoolPath, fileName);

    public string LastSegmentPath() => SegmentPath(SegmentFiles().Last(name => name.EndsWith(".log", StringComparison.Ordinal)));

    public static ulong[] Sequences(IEnumerable<SpoolRecord> records) => records.Select(r => r.Sequence).ToArray();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
