using System.Buffers.Binary;
using SecureMonitor.Pki;

namespace SecureMonitor.Watcher.Spool;

/// <summary>
/// The watcher's per-host envelope sequence counter, persisted so that no number is handed out
/// twice, even across kill -9 or power loss. Single owner (the sender actor); not thread-safe.
/// </summary>
/// <remarks>
/// <para>Why: a sequence is part of the AES-GCM nonce, and the monitor accepts each sequence once.
/// Reusing one after a restart would either collide with a nonce already used or have a fresh alert
/// answered as a DUPLICATE and lost.</para>
/// <para>Numbers are reserved in blocks so that persisting costs one small atomic file write per
/// <see cref="BlockSize"/> numbers, not one per envelope. The file <c>&lt;data&gt;/sequence</c>
/// says "every number up to R may have been handed out":</para>
/// <code>
/// offset 0  u64 little-endian  R, reserved through (0: nothing handed out yet)
/// offset 8  u32 little-endian  CRC-32C of bytes 0..7
/// </code>
/// <para>It is replaced atomically (write <c>sequence.tmp</c>, fsync, rename, fsync the directory)
/// before any number above the old R is handed out. After a crash the counter resumes at R + 1, so
/// at most one block of numbers is skipped: gaps are fine, the monitor only requires increasing
/// sequences. The first number is 1.</para>
/// <para>A file that fails its check is not guessed around: <see cref="Open"/> throws. Deleting it
/// is safe only if the watcher then raises the counter with <see cref="EnsureAbove"/> to the
/// monitor's high-water mark (and the spool's highest sequence) before sealing anything.</para>
/// </remarks>
public sealed class SequenceReservation
{
    public const string FileName = "sequence";
    public const int DefaultBlockSize = 1_000;
    private const int FileLength = 12;

    private readonly string _path;
    private ulong _next;
    private ulong _reservedThrough;

    private SequenceReservation(string path, int blockSize, ulong reservedThrough)
    {
        _path = path;
        BlockSize = blockSize;
        _reservedThrough = reservedThrough;
        _next = reservedThrough + 1;
    }

    /// <summary>How many numbers one write of the file reserves.</summary>
    public int BlockSize { get; }

    /// <summary>The highest number that is durably reserved (handed out or not).</summary>
    public ulong ReservedThrough => _reservedThrough;

    /// <summary>The number the next <see cref="Next"/> returns.</summary>
    public ulong Peek => _next;

    /// <summary>Reads <c>&lt;dataDirectory&gt;/sequence</c> (creating the directory if needed); a missing
    /// file means a new host whose first sequence is 1.</summary>
    /// <exception cref="InvalidDataException">The file exists but is damaged.</exception>
    public static SequenceReservation Open(string dataDirectory, int blockSize = DefaultBlockSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        PrivateFiles.CreateDirectory(dataDirectory);
        string path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return new SequenceReservation(path, blockSize, reservedThrough: 0);
        }

        byte[] content = File.ReadAllBytes(path);
        if (content.Length != FileLength
            || Crc32C.Compute(content.AsSpan(0, 8)) != BinaryPrimitives.ReadUInt32LittleEndian(content.AsSpan(8)))
        {
            throw new InvalidDataException(
                $"The sequence file '{path}' is damaged ({content.Length} bytes, check failed). Refusing to guess a "
                + "sequence that may already have been used. Delete it only if the watcher will raise its counter to "
                + "the monitor's high-water mark before sealing.");
        }

        return new SequenceReservation(path, blockSize, BinaryPrimitives.ReadUInt64LittleEndian(content));
    }

    /// <summary>Hands out the next sequence; first reserves (durably) a new block if the current one is used up.</summary>
    /// <exception cref="InvalidOperationException">The 64-bit sequence space is exhausted.</exception>
    public ulong Next()
    {
        if (_next == 0)
        {
            throw new InvalidOperationException("The 64-bit sequence space is exhausted.");
        }

        if (_next > _reservedThrough)
        {
            ulong through = _next > ulong.MaxValue - (ulong)BlockSize ? ulong.MaxValue : _next + (ulong)BlockSize - 1;
            Persist(through);
        }

        return _next++; // wraps to 0 after ulong.MaxValue, caught above
    }

    /// <summary>Makes every later <see cref="Next"/> return a number above <paramref name="floor"/>,
    /// e.g. the monitor's high-water mark from its hello answer. Never lowers the counter. Persisted
    /// lazily: the next <see cref="Next"/> reserves a block above the floor before handing one out.</summary>
    public void EnsureAbove(ulong floor)
    {
        if (floor == ulong.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(floor), "No sequence exists above ulong.MaxValue.");
        }

        if (_next != 0 && floor >= _next)
        {
            _next = floor + 1;
        }
    }

    private void Persist(ulong reservedThrough)
    {
        Span<byte> content = stackalloc byte[FileLength];
        BinaryPrimitives.WriteUInt64LittleEndian(content, reservedThrough);
        BinaryPrimitives.WriteUInt32LittleEndian(content[8..], Crc32C.Compute(content[..8]));
        DurableFile.ReplaceAtomically(_path, content);
        _reservedThrough = reservedThrough;
    }
}
