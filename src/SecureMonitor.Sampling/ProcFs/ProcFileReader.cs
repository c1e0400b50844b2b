using Microsoft.Win32.SafeHandles;

namespace SecureMonitor.Sampling.ProcFs;

/// <summary>Receives one line of a file read by <see cref="ProcFileReader.TryVisitLines{TState}"/>.</summary>
public delegate void LineVisitor<TState>(ref TState state, ReadOnlySpan<byte> line);

/// <summary>
/// Reads /proc files into a buffer it owns and reuses, so that a sampler that runs every second
/// allocates nothing per read once the buffer has grown to the file's size. Not thread-safe: each
/// sampler owns one reader.
/// </summary>
/// <remarks>
/// /proc files report a length of 0 and are generated as they are read, so the reader reads until
/// end of file rather than trusting the length. A missing file is "not supported here" (the
/// caller marks its metrics unsupported); any other I/O error propagates and the collector's run
/// is recorded as failed.
/// </remarks>
public sealed class ProcFileReader
{
    /// <summary>A whole-file read larger than this is refused: no /proc file we read is near it.</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    private const int InitialBufferBytes = 8 * 1024;
    private const int ChunkBytes = 64 * 1024;

    private byte[] buffer = new byte[InitialBufferBytes];

    /// <summary>
    /// Reads the whole file. The returned span aliases the reader's buffer: it is valid until the
    /// next call on this reader.
    /// </summary>
    /// <returns>false when the file does not exist.</returns>
    public bool TryReadAll(string path, out ReadOnlySpan<byte> content)
    {
        content = default;
        if (!TryOpen(path, out SafeFileHandle? handle))
        {
            return false;
        }

        using (handle)
        {
            int total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    Grow(path, total * 2);
                }

                int read = RandomAccess.Read(handle, buffer.AsSpan(total), total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            content = buffer.AsSpan(0, total);
            return true;
        }
    }

    /// <summary>
    /// Streams the file line by line in bounded chunks, for tables whose size grows with the load
    /// (a busy server's /proc/net/tcp runs to megabytes); memory stays at one chunk.
    /// </summary>
    /// <returns>false when the file does not exist.</returns>
    public bool TryVisitLines<TState>(string path, ref TState state, LineVisitor<TState> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (!TryOpen(path, out SafeFileHandle? handle))
        {
            return false;
        }

        using (handle)
        {
            if (buffer.Length < ChunkBytes)
            {
                Grow(path, ChunkBytes);
            }

            long offset = 0;
            int carried = 0;
            while (true)
            {
                if (carried == buffer.Length)
                {
                    throw new ProcFormatException(path, $"a line is longer than {buffer.Length} bytes");
                }

                int read = RandomAccess.Read(handle, buffer.AsSpan(carried), offset);
                offset += read;
                int filled = carried + read;
                ReadOnlySpan<byte> pending = buffer.AsSpan(0, filled);
                int lastNewline = pending.LastIndexOf((byte)'\n');
                ReadOnlySpan<byte> complete = read == 0 ? pending : pending[..(lastNewline + 1)];
                while (ProcText.TryReadLine(ref complete, out ReadOnlySpan<byte> line))
                {
                    visitor(ref state, line);
                }

                if (read == 0)
                {
                    return true;
                }

                carried = filled - (lastNewline + 1);
                buffer.AsSpan(lastNewline + 1, carried).CopyTo(buffer);
            }
        }
    }

    private static bool TryOpen(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeFileHandle? handle)
    {
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return true;
        }
        catch (FileNotFoundException)
        {
        }
        catch (DirectoryNotFoundException)
        {
        }

        handle = null;
        return false;
    }

    private void Grow(string path, int wanted)
    {
        if (buffer.Length >= MaxFileBytes)
        {
            throw new ProcFormatException(path, $"the file is larger than {MaxFileBytes} bytes");
        }

        Array.Resize(ref buffer, Math.Min(wanted, MaxFileBytes));
    }
}
