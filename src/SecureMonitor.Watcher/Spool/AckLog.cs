using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace SecureMonitor.Watcher.Spool;

/// <summary>
/// The spool's log of acknowledged (or dropped) sequences, <c>&lt;data&gt;/spool/acks.log</c>.
/// Format: an 8-byte header <c>"SMACKS\0" 0x01</c>, then 12-byte entries
/// <c>[u64 LE sequence][u32 LE CRC-32C of those 8 bytes]</c>. Entries are written at once (they
/// survive kill -9 in the page cache) and fsync'd every <see cref="SpoolOptions.AckSyncInterval"/>
/// entries: a power loss may forget the last few, which only causes resends. A damaged entry ends the
/// log (it and everything after are discarded and reported), for the same reason that is safe.
/// Compaction replaces the file atomically with the entries still relevant.
/// </summary>
internal sealed class AckLog : IDisposable
{
    public const string FileName = "acks.log";
    public const int HeaderBytes = 8;
    public const int EntryBytes = 12;

    private readonly string _path;
    private readonly int _syncInterval;
    private SafeFileHandle _handle;
    private long _length;
    private int _unsynced;

    private AckLog(string path, int syncInterval, SafeFileHandle handle, long length)
    {
        _path = path;
        _syncInterval = syncInterval;
        _handle = handle;
        _length = length;
    }

    private static ReadOnlySpan<byte> Magic => "SMACKS\0\u0001"u8;

    /// <summary>Number of entries in the file (an acknowledged sequence appears once).</summary>
    public long EntryCount => (_length - HeaderBytes) / EntryBytes;

    /// <summary>Opens (or creates) the log and adds every valid entry to <paramref name="acknowledged"/>.</summary>
    public static AckLog Open(string directory, int syncInterval, HashSet<ulong> acknowledged, out long discardedBytes)
    {
        string path = Path.Combine(directory, FileName);
        discardedBytes = 0;
        if (!File.Exists(path))
        {
            DurableFile.ReplaceAtomically(path, Magic);
        }

        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length > int.MaxValue)
            {
                throw new InvalidDataException($"Ack log '{path}' is {length} bytes: not a file this spool wrote.");
            }

            byte[] content = new byte[length];
            ReadExactly(handle, content, 0);
            if (length < HeaderBytes || !content.AsSpan(0, HeaderBytes).SequenceEqual(Magic))
            {
                // Unreadable: forget every acknowledgement. Safe, it only causes resends.
                handle.Dispose();
                discardedBytes = length;
                DurableFile.ReplaceAtomically(path, Magic);
                return new AckLog(path, syncInterval, File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read), HeaderBytes);
            }

            long offset = HeaderBytes;
            while (offset + EntryBytes <= length)
            {
                ReadOnlySpan<byte> entry = content.AsSpan((int)offset, EntryBytes);
                if (Crc32C.Compute(entry[..8]) != BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]))
                {
                    break;
                }

                acknowledged.Add(BinaryPrimitives.ReadUInt64LittleEndian(entry));
                offset += EntryBytes;
            }

            if (offset < length)
            {
                discardedBytes = length - offset;
                RandomAccess.SetLength(handle, offset);
                RandomAccess.FlushToDisk(handle);
            }

            return new AckLog(path, syncInterval, handle, offset);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Append(ulong sequence)
    {
        Span<byte> entry = stackalloc byte[EntryBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(entry, sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], Crc32C.Compute(entry[..8]));
        RandomAccess.Write(_handle, entry, _length);
        _length += EntryBytes;
        if (++_unsynced >= _syncInterval)
        {
            Flush();
        }
    }

    /// <summary>fsyncs the entries written since the last flush.</summary>
    public void Flush()
    {
        if (_unsynced > 0)
        {
            RandomAccess.FlushToDisk(_handle);
            _unsynced = 0;
        }
    }

    /// <summary>Replaces the log atomically with exactly <paramref name="sequences"/>.</summary>
    public void Rewrite(IReadOnlyCollection<ulong> sequences)
    {
        byte[] content = new byte[HeaderBytes + (sequences.Count * EntryBytes)];
        Magic.CopyTo(content);
        int offset = HeaderBytes;
        foreach (ulong sequence in sequences)
        {
            Span<byte> entry = content.AsSpan(offset, EntryBytes);
            BinaryPrimitives.WriteUInt64LittleEndian(entry, sequence);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], Crc32C.Compute(entry[..8]));
            offset += EntryBytes;
        }

        _handle.Dispose();
        DurableFile.ReplaceAtomically(_path, content);
        _handle = File.OpenHandle(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        _length = content.Length;
        _unsynced = 0;
    }

    public void Dispose()
    {
        if (!_handle.IsClosed)
        {
            Flush();
            _handle.Dispose();
        }
    }

    internal static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long fileOffset)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, fileOffset);
            if (read == 0)
            {
                throw new EndOfStreamException("The file ended before the expected length.");
            }

            destination = destination[read..];
            fileOffset += read;
        }
    }
}
