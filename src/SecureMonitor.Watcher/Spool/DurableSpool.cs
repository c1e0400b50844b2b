using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using SecureMonitor.Pki;

namespace SecureMonitor.Watcher.Spool;

/// <summary>
/// The watcher's durable spool: every sealed envelope is appended (and fsync'd) before it is sent,
/// and stays until the monitor acknowledges it, so nothing is lost while the monitor is away or the
/// watcher is killed. After a reconnect the sender resends <see cref="ReadPending"/> as stored: the
/// spool holds SEALED bytes because sealing a sequence twice would reuse an AES-GCM nonce.
/// </summary>
/// <remarks>
/// <para><b>Single owner.</b> One actor (the sender) owns the spool; it has no locks.</para>
/// <para><b>On disk</b>, under <c>&lt;data&gt;/spool/</c>; all integers little-endian, checksums CRC-32C:</para>
/// <code>
/// segment-&lt;first sequence, 20 digits&gt;.log   append-only, closed for appends past SpoolOptions.SegmentBytes (1 MiB)
///   header  8 bytes   "SMSPOOL" 0x01 (format version 1)
///   record  u32 payload length | u32 CRC-32C(kind | sequence | payload) | u8 kind | u64 sequence | payload
///           (a 17-byte header; kind: 1 alert, 2 resolution, 3 heartbeat, 4 control; payload: the sealed envelope)
/// acks.log                                  acknowledged or dropped sequences (see AckLog)
/// lock                                      held open exclusively (flock) while the spool is open: one owner per data directory
/// *.corrupt                                 segments set aside by recovery, kept for inspection, never read
/// </code>
/// <para><b>Durability.</b> <see cref="Append"/> returns after write + fsync of the segment (and of the
/// directory when it created a segment). Sequences appended must increase. An acknowledgement is
/// written to <c>acks.log</c> at once but fsync'd only every <see cref="SpoolOptions.AckSyncInterval"/>
/// acknowledgements: a power loss can forget a few, so those records are resent after restart, which
/// is safe because the monitor answers a resend as DUPLICATE without processing it again. A segment
/// whose records are all done (acknowledged or dropped) is deleted once it is no longer the one being
/// appended to, and <c>acks.log</c> is then compacted to the sequences of the remaining segments.</para>
/// <para><b>Recovery</b> (<see cref="Open"/>) reads each segment once and checks every record: length
/// in bounds, known kind, CRC, sequence above the previous one. In the last segment, the first bad
/// record and everything after it is a torn tail (a write cut by kill -9 or power loss): it is truncated
/// and reported. Elsewhere it is damage that should not happen: the records before it are kept, the
/// rest of that segment is skipped and reported, the spool carries on. Recovery never throws for bad
/// content. The in-memory index (24 bytes per record, 8 more per pending heartbeat) is rebuilt; payloads stay on disk and are
/// read back on <see cref="ReadPending"/>.</para>
/// <para><b>Bounded.</b> <see cref="Bytes"/> counts the records not yet done (17-byte header + envelope).
/// When an append would pass <see cref="SpoolOptions.MaxBytes"/>, the oldest pending heartbeats are dropped
/// (recorded in acks.log as if acknowledged, never sent; <see cref="DroppedHeartbeats"/>); if that is not
/// enough, a heartbeat is not stored (<see cref="SpoolAppendResult.HeartbeatDropped"/>) and an alert,
/// resolution or control envelope is refused (<see cref="SpoolAppendResult.Refused"/>,
/// <see cref="RefusedAlerts"/>): never silently, the caller logs it and reports it in the next heartbeat.
/// Disk use may exceed <see cref="Bytes"/> by the done records of segments that still hold a pending one
/// (in normal operation, acknowledgements arrive in order and that is about one segment).</para>
/// <para><b>Sequences.</b> The spool does not hand out numbers (<see cref="SequenceReservation"/> does).
/// At start-up raise the reservation above <see cref="LastAppendedSequence"/> with
/// <see cref="SequenceReservation.EnsureAbove"/>: belt and braces should the sequence file be replaced.</para>
/// </remarks>
public sealed partial class DurableSpool : IDisposable
{
    public const string DirectoryName = "spool";

    /// <summary>u32 length + u32 CRC + u8 kind + u64 sequence.</summary>
    public const int RecordHeaderBytes = 17;

    internal const int SegmentHeaderBytes = 8;

    /// <summary>A length field above this is damage, whatever the options say.</summary>
    internal const int FormatMaxPayloadBytes = 16 * 1024 * 1024;

    private const string SegmentPrefix = "segment-";
    private const string SegmentSuffix = ".log";

    private readonly string _directory;
    private readonly SpoolOptions _options;
    private readonly List<SpoolSegment> _segments = [];

    // Sequences of heartbeats in append order, some possibly done already (skipped lazily): the
    // eviction order when the spool is full.
    private readonly Queue<ulong> _heartbeats = new();
    private AckLog _ackLog = null!;
    private SafeFileHandle? _lock;
    private SpoolSegment? _active;
    private long _bytes;
    private int _count;
    private ulong _lastAppended;
    private bool _full;
    private bool _disposed;

    private DurableSpool(string directory, SpoolOptions options)
    {
        _directory = directory;
        _options = options;
    }

    private static ReadOnlySpan<byte> SegmentMagic => "SMSPOOL\u0001"u8;

    /// <summary>The spool folder (<c>&lt;data&gt;/spool</c>).</summary>
    public string Directory => _directory;

    /// <summary>What <see cref="Open"/> found and repaired; log it if it is not clean.</summary>
    public SpoolRecoveryReport Recovery { get; private set; } = null!;

    /// <summary>Records pending (appended, neither acknowledged nor dropped).</summary>
    public int Count => _count;

    /// <summary>Bytes of the pending records (headers + envelopes), the quantity bounded by <see cref="MaxBytes"/>.</summary>
    public long Bytes => _bytes;

    public long MaxBytes => _options.MaxBytes;

    /// <summary>Bytes of the segment files in use (done records included).</summary>
    public long DiskBytes
    {
        get
        {
            long total = 0;
            foreach (SpoolSegment segment in _segments)
            {
                total += segment.Length;
            }

            return total;
        }
    }

    public int SegmentCount => _segments.Count;

    /// <summary>The last append could not be stored for lack of room, and nothing has been freed since.</summary>
    public bool IsFull => _full;

    /// <summary>Heartbeats dropped for lack of room since open: old ones evicted and new ones not stored.</summary>
    public long DroppedHeartbeats { get; private set; }

    /// <summary>Alert, resolution and control appends refused for lack of room since open.</summary>
    public long RefusedAlerts { get; private set; }

    /// <summary>Highest sequence appended (or found at open), 0 if none.</summary>
    public ulong LastAppendedSequence => _lastAppended;

    /// <summary>Opens (creating if needed) the spool under <c>&lt;dataDirectory&gt;/spool</c> and recovers it;
    /// see <see cref="Recovery"/> for what was repaired.</summary>
    public static DurableSpool Open(string dataDirectory, SpoolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        options ??= new SpoolOptions();
        options.Validate();
        string directory = Path.Combine(dataDirectory, DirectoryName);
        PrivateFiles.CreateDirectory(directory);
        var spool = new DurableSpool(directory, options);
        try
        {
            // Two processes appending to one spool would interleave records and acks: refuse the second.
            // The lock goes with the process, so a kill -9 does not leave it behind.
            spool._lock = OpenLock(Path.Combine(directory, "lock"));
            spool.Recover();
        }
        catch
        {
            spool.Dispose();
            throw;
        }

        return spool;
    }

    /// <summary>Stores a sealed envelope durably (written and fsync'd when this returns
    /// <see cref="SpoolAppendResult.Appended"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown kind, sequence not above
    /// <see cref="LastAppendedSequence"/>, or an empty or oversized envelope.</exception>
    /// <exception cref="IOException">The write or fsync failed; nothing was stored.</exception>
    public SpoolAppendResult Append(SpoolRecordKind kind, ulong sequence, ReadOnlySpan<byte> sealedEnvelope)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown record kind.");
        }

        if (sequence <= _lastAppended)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sequence), sequence, $"Spooled sequences must increase; the last one appended is {_lastAppended}.");
        }

        if (sealedEnvelope.IsEmpty || sealedEnvelope.Length > _options.MaxRecordBytes)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sealedEnvelope), sealedEnvelope.Length, $"A sealed envelope must be 1..{_options.MaxRecordBytes} bytes.");
        }

        int size = RecordHeaderBytes + sealedEnvelope.Length;
        if (_bytes + size > _options.MaxBytes)
        {
            DropOldestHeartbeats(size);
            if (_bytes + size > _options.MaxBytes)
            {
                _full = true;
                if (kind == SpoolRecordKind.Heartbeat)
                {
                    DroppedHeartbeats++;
                    return SpoolAppendResult.HeartbeatDropped;
                }

                RefusedAlerts++;
                return SpoolAppendResult.Refused;
            }
        }

        SpoolSegment segment = SegmentFor(sequence, size);
        byte[] rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            Span<byte> record = rented.AsSpan(0, size);
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)sealedEnvelope.Length);
            record[8] = (byte)kind;
            BinaryPrimitives.WriteUInt64LittleEndian(record[9..], sequence);
            sealedEnvelope.CopyTo(record[RecordHeaderBytes..]);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute(record[8..]));
            try
            {
                RandomAccess.Write(segment.Handle, record, segment.Length);
                RandomAccess.FlushToDisk(segment.Handle);
            }
            catch (IOException)
            {
                TryTruncate(segment); // best effort; recovery would truncate a torn tail anyway
                throw;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        segment.Add(new SpoolEntry
        {
            Sequence = sequence,
            Offset = segment.Length,
            PayloadLength = sealedEnvelope.Length,
            Kind = kind,
        });
        segment.Length += size;
        _bytes += size;
        _count++;
        _lastAppended = sequence;
        _full = false;
        if (kind == SpoolRecordKind.Heartbeat)
        {
            _heartbeats.Enqueue(sequence);
        }

        return SpoolAppendResult.Appended;
    }

    /// <summary>Marks a record acknowledged by the monitor (any order). Returns false if it is not
    /// pending: unknown, already acknowledged, or dropped.</summary>
    public bool Acknowledge(ulong sequence)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!TryLocate(sequence, out SpoolSegment? segment, out int index) || segment[index].Done)
        {
            return false;
        }

        Complete(segment, index);
        _ackLog.Append(sequence);
        PruneHeartbeatQueue();
        if (segment.Live == 0 && segment != _active)
        {
            RemoveSegments([segment]);
        }

        return true;
    }

    /// <summary>Marks every pending record with a sequence up to <paramref name="highWaterMark"/>
    /// acknowledged, e.g. the monitor's high-water mark from its hello answer. Returns how many were pending.</summary>
    public int AcknowledgeThrough(ulong highWaterMark)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int acknowledged = 0;
        var finished = new List<SpoolSegment>();
        foreach (SpoolSegment segment in _segments)
        {
            if (segment.FirstSequence > highWaterMark)
            {
                break;
            }

            for (int i = segment.FirstLive; i < segment.Count && segment[i].Sequence <= highWaterMark; i++)
            {
                if (!segment[i].Done)
                {
                    ulong sequence = segment[i].Sequence;
                    Complete(segment, i);
                    _ackLog.Append(sequence);
                    acknowledged++;
                }
            }

            if (segment.Live == 0 && segment != _active)
            {
                finished.Add(segment);
            }
        }

        PruneHeartbeatQueue();
        if (finished.Count > 0)
        {
            RemoveSegments(finished);
        }

        return acknowledged;
    }

    /// <summary>The oldest <paramref name="max"/> pending records, in sequence order, read from disk.</summary>
    /// <exception cref="InvalidDataException">A record changed on disk since it was checked (reopen to recover).</exception>
    public IReadOnlyList<SpoolRecord> ReadPending(int max) => ReadPending(0, max);

    /// <summary>Up to <paramref name="max"/> pending records with sequences above
    /// <paramref name="afterSequence"/>, in sequence order, read from disk. To resend everything,
    /// page with the last sequence of the previous batch.</summary>
    /// <exception cref="InvalidDataException">A record changed on disk since it was checked (reopen to recover).</exception>
    public IReadOnlyList<SpoolRecord> ReadPending(ulong afterSequence, int max)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var records = new List<SpoolRecord>(Math.Min(max, _count));
        if (afterSequence == ulong.MaxValue)
        {
            return records;
        }

        int segmentIndex = Math.Max(0, FindSegment(afterSequence + 1));
        for (; segmentIndex < _segments.Count && records.Count < max; segmentIndex++)
        {
            SpoolSegment segment = _segments[segmentIndex];
            if (segment.Live == 0)
            {
                continue;
            }

            for (int i = Math.Max(segment.FirstLive, segment.LowerBound(afterSequence + 1)); i < segment.Count && records.Count < max; i++)
            {
                if (!segment[i].Done)
                {
                    records.Add(ReadRecord(segment, segment[i]));
                }
            }
        }

        return records;
    }

    /// <summary>The oldest pending sequence, if any.</summary>
    public ulong? OldestPendingSequence
    {
        get
        {
            foreach (SpoolSegment segment in _segments)
            {
                if (segment.Live > 0)
                {
                    return segment[segment.FirstLive].Sequence;
                }
            }

            return null;
        }
    }

    /// <summary>fsyncs acknowledgements written since the last fsync (e.g. when the sender goes idle).</summary>
    public void FlushAcknowledgements()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _ackLog.Flush();
    }

    public SpoolSnapshot Snapshot() =>
        new(_count, _bytes, _options.MaxBytes, DiskBytes, _segments.Count, _full, DroppedHeartbeats, RefusedAlerts);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _ackLog?.Dispose();
        foreach (SpoolSegment segment in _segments)
        {
            segment.Dispose();
        }

        _segments.Clear();
        _lock?.Dispose();
    }

    private static SafeFileHandle OpenLock(string path)
    {
        try
        {
            var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            PrivateFiles.Restrict(handle);
            return handle;
        }
        catch (IOException e)
        {
            throw new IOException($"The spool '{Path.GetDirectoryName(path)}' is already open (by this or another process).", e);
        }
    }

    private SpoolSegment SegmentFor(ulong sequence, int recordBytes)
    {
        SpoolSegment? active = _active;
        if (active is not null && (active.Count == 0 || active.Length + recordBytes <= _options.SegmentBytes))
        {
            return active;
        }

        string path = Path.Combine(_directory, SegmentFileName(sequence));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        PrivateFiles.Restrict(handle);
        var created = new SpoolSegment(path, sequence, handle);
        try
        {
            RandomAccess.Write(handle, SegmentMagic, 0);
            RandomAccess.FlushToDisk(handle);
            DurableFile.SyncDirectory(_directory);
        }
        catch
        {
            created.Dispose();
            File.Delete(path);
            throw;
        }

        created.Length = SegmentHeaderBytes;
        _segments.Add(created);
        _active = created;
        if (active is { Live: 0 })
        {
            RemoveSegments([active]);
        }

        return created;
    }

    private void DropOldestHeartbeats(int recordBytes)
    {
        List<SpoolSegment>? emptied = null;
        while (_bytes + recordBytes > _options.MaxBytes && _heartbeats.TryDequeue(out ulong sequence))
        {
            if (!TryLocate(sequence, out SpoolSegment? segment, out int index) || segment[index].Done)
            {
                continue;
            }

            Complete(segment, index);
            _ackLog.Append(sequence);
            DroppedHeartbeats++;
            if (segment.Live == 0 && segment != _active)
            {
                (emptied ??= []).Add(segment);
            }
        }

        if (emptied is not null)
        {
            RemoveSegments(emptied);
        }
    }

    private void Complete(SpoolSegment segment, int index)
    {
        ref SpoolEntry entry = ref segment[index];
        entry.Done = true;
        segment.Live--;
        segment.AdvanceFirstLive();
        _count--;
        _bytes -= entry.RecordBytes;
        _full = false;
    }

    /// <summary>Drops done heartbeats from the front of the eviction queue so it stays as short as the spool.</summary>
    private void PruneHeartbeatQueue()
    {
        while (_heartbeats.TryPeek(out ulong sequence)
            && (!TryLocate(sequence, out SpoolSegment? segment, out int index) || segment[index].Done))
        {
            _heartbeats.Dequeue();
        }
    }

    /// <summary>Deletes segments whose records are all done, then compacts the ack log to the
    /// sequences that still matter (those of the remaining segments).</summary>
    private void RemoveSegments(IReadOnlyList<SpoolSegment> segments)
    {
        foreach (SpoolSegment segment in segments)
        {
            _segments.Remove(segment);
            segment.Dispose();
            if (segment.Damaged)
            {
                SetAside(segment.Path);
            }
            else
            {
                File.Delete(segment.Path);
            }
        }

        DurableFile.SyncDirectory(_directory);
        CompactAckLog();
    }

    private void CompactAckLog()
    {
        var done = new List<ulong>();
        foreach (SpoolSegment segment in _segments)
        {
            segment.CollectDone(done);
        }

        _ackLog.Rewrite(done);
    }

    private SpoolRecord ReadRecord(SpoolSegment segment, in SpoolEntry entry)
    {
        byte[] record = new byte[entry.RecordBytes];
        try
        {
            AckLog.ReadExactly(segment.Handle, record, entry.Offset);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Spool record {entry.Sequence} at {entry.Offset} of '{segment.Path}' is cut short on disk.", e);
        }

        ReadOnlySpan<byte> span = record;
        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != (uint)entry.PayloadLength
            || span[8] != (byte)entry.Kind
            || BinaryPrimitives.ReadUInt64LittleEndian(span[9..]) != entry.Sequence
            || BinaryPrimitives.ReadUInt32LittleEndian(span[4..]) != Crc32C.Compute(span[8..]))
        {
            throw new InvalidDataException(
                $"Spool record {entry.Sequence} at {entry.Offset} of '{segment.Path}' changed on disk since it was checked; reopen the spool to recover.");
        }

        return new SpoolRecord(entry.Kind, entry.Sequence, record.AsMemory(RecordHeaderBytes));
    }

    /// <summary>Index of the last segment whose first sequence is at most <paramref name="sequence"/>, or -1.</summary>
    private int FindSegment(ulong sequence)
    {
        int low = 0;
        int high = _segments.Count - 1;
        int found = -1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            if (_segments[middle].FirstSequence <= sequence)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    private bool TryLocate(ulong sequence, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SpoolSegment? segment, out int index)
    {
        int segmentIndex = FindSegment(sequence);
        if (segmentIndex >= 0)
        {
            segment = _segments[segmentIndex];
            index = segment.IndexOf(sequence);
            if (index >= 0)
            {
                return true;
            }
        }

        segment = null;
        index = -1;
        return false;
    }

    private static void TryTruncate(SpoolSegment segment)
    {
        try
        {
            RandomAccess.SetLength(segment.Handle, segment.Length);
        }
        catch (IOException)
        {
        }
    }

    private static string SegmentFileName(ulong firstSequence) => $"{SegmentPrefix}{firstSequence:D20}{SegmentSuffix}";

    /// <summary>Renames a damaged file to <c>*.corrupt</c> (kept for inspection, never read again).</summary>
    private void SetAside(string path)
    {
        string target = path + ".corrupt";
        for (int n = 1; File.Exists(target); n++)
        {
            target = $"{path}.{n}.corrupt";
        }

        File.Move(path, target);
        DurableFile.SyncDirectory(_directory);
    }
}
