using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace SecureMonitor.Watcher.Spool;

// Open-time recovery: rebuild the index from the segment files, truncate a torn tail, skip damage.
public sealed partial class DurableSpool
{
    private void Recover()
    {
        foreach (string stale in System.IO.Directory.EnumerateFiles(_directory, "*.tmp"))
        {
            File.Delete(stale); // an atomic replacement that did not reach its rename
        }

        var acknowledged = new HashSet<ulong>();
        _ackLog = AckLog.Open(_directory, _options.AckSyncInterval, acknowledged, out long ackLogDiscarded);

        var corruptions = new List<SpoolCorruption>();
        List<(string Path, ulong Sequence)> files = ListSegmentFiles();
        int recordsScanned = 0;
        long tornTail = 0;
        ulong lastSequence = 0;
        byte[] buffer = [];
        for (int i = 0; i < files.Count; i++)
        {
            (string path, ulong nameSequence) = files[i];
            bool isLast = i == files.Count - 1;
            SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, isLast ? FileAccess.ReadWrite : FileAccess.Read, FileShare.Read);
            var segment = new SpoolSegment(path, nameSequence, handle);
            long fileLength = RandomAccess.GetLength(handle);
            if (fileLength > int.MaxValue)
            {
                corruptions.Add(new SpoolCorruption(path, 0, fileLength, "file too large to be a segment"));
                segment.Dispose();
                SetAside(path);
                continue;
            }

            if (buffer.Length < fileLength)
            {
                buffer = new byte[Math.Max(fileLength, _options.SegmentBytes + RecordHeaderBytes)];
            }

            Span<byte> content = buffer.AsSpan(0, (int)fileLength);
            AckLog.ReadExactly(handle, content, 0);

            if (fileLength < SegmentHeaderBytes || !content[..SegmentHeaderBytes].SequenceEqual(SegmentMagic))
            {
                if (isLast && SegmentMagic.StartsWith(content))
                {
                    // Created, then killed before its header was durable: start it again.
                    tornTail += fileLength;
                    RandomAccess.Write(handle, SegmentMagic, 0);
                    RandomAccess.FlushToDisk(handle);
                    segment.Length = SegmentHeaderBytes;
                    _segments.Add(segment);
                }
                else
                {
                    corruptions.Add(new SpoolCorruption(path, 0, fileLength, "not a spool segment (bad header)"));
                    segment.Dispose();
                    SetAside(path);
                }

                continue;
            }

            int offset = SegmentHeaderBytes;
            string? problem = null;
            while (offset < content.Length)
            {
                problem = ParseRecord(content, offset, lastSequence, out SpoolEntry entry);
                if (problem is not null)
                {
                    break;
                }

                entry.Done = acknowledged.Contains(entry.Sequence);
                segment.Add(entry);
                lastSequence = entry.Sequence;
                offset += (int)entry.RecordBytes;
                recordsScanned++;
            }

            segment.Length = offset;
            if (problem is not null)
            {
                if (isLast)
                {
                    tornTail += fileLength - offset;
                    RandomAccess.SetLength(handle, offset);
                    RandomAccess.FlushToDisk(handle);
                }
                else
                {
                    corruptions.Add(new SpoolCorruption(path, offset, fileLength - offset, problem));
                    segment.Damaged = true;
                }
            }

            segment.AdvanceFirstLive();
            _segments.Add(segment);
        }

        // The last segment that is not damaged takes the appends (only the last file can be it:
        // every earlier one was closed by a roll-over).
        if (_segments.Count > 0 && files.Count > 0 && _segments[^1].Path == files[^1].Path && !_segments[^1].Damaged)
        {
            _active = _segments[^1];
        }

        var finished = new List<SpoolSegment>();
        foreach (SpoolSegment segment in _segments)
        {
            if (segment.Live == 0 && segment != _active)
            {
                finished.Add(segment);
                continue;
            }

            for (int i = segment.FirstLive; i < segment.Count; i++)
            {
                ref SpoolEntry entry = ref segment[i];
                if (!entry.Done)
                {
                    _count++;
                    _bytes += entry.RecordBytes;
                    if (entry.Kind == SpoolRecordKind.Heartbeat)
                    {
                        _heartbeats.Enqueue(entry.Sequence);
                    }
                }
            }
        }

        _lastAppended = lastSequence;
        if (finished.Count > 0)
        {
            RemoveSegments(finished); // compacts the ack log too
        }
        else if (_ackLog.EntryCount != CountDone())
        {
            CompactAckLog(); // acknowledgements of records no longer on disk
        }

        Recovery = new SpoolRecoveryReport(
            SegmentsScanned: files.Count,
            RecordsScanned: recordsScanned,
            PendingRecords: _count,
            SegmentsDeleted: finished.Count,
            TornTailBytesTruncated: tornTail,
            AckLogBytesDiscarded: ackLogDiscarded,
            Corruptions: corruptions);
    }

    /// <summary>Checks the record at <paramref name="offset"/>; returns why it is bad, or null.</summary>
    private static string? ParseRecord(ReadOnlySpan<byte> content, int offset, ulong previousSequence, out SpoolEntry entry)
    {
        entry = default;
        ReadOnlySpan<byte> rest = content[offset..];
        if (rest.Length < RecordHeaderBytes)
        {
            return $"record header cut short ({rest.Length} bytes)";
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        if (length == 0 || length > FormatMaxPayloadBytes)
        {
            return $"impossible record length {length}";
        }

        if (RecordHeaderBytes + (long)length > rest.Length)
        {
            return $"record of {length} bytes cut short";
        }

        ReadOnlySpan<byte> checkedPart = rest[8..(RecordHeaderBytes + (int)length)];
        if (BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]) != Crc32C.Compute(checkedPart))
        {
            return "record checksum mismatch";
        }

        var kind = (SpoolRecordKind)rest[8];
        if (!Enum.IsDefined(kind))
        {
            return $"unknown record kind {rest[8]}";
        }

        ulong sequence = BinaryPrimitives.ReadUInt64LittleEndian(rest[9..]);
        if (sequence <= previousSequence)
        {
            return $"sequence {sequence} not above {previousSequence}";
        }

        entry = new SpoolEntry { Sequence = sequence, Offset = offset, PayloadLength = (int)length, Kind = kind };
        return null;
    }

    private List<(string Path, ulong Sequence)> ListSegmentFiles()
    {
        var files = new List<(string Path, ulong Sequence)>();
        foreach (string path in System.IO.Directory.EnumerateFiles(_directory, SegmentPrefix + "*"))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(SegmentSuffix, StringComparison.Ordinal)
                && ulong.TryParse(name.AsSpan(SegmentPrefix.Length, name.Length - SegmentPrefix.Length - SegmentSuffix.Length),
                    NumberStyles.None, CultureInfo.InvariantCulture, out ulong sequence))
            {
                files.Add((path, sequence));
            }
        }

        files.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return files;
    }

    private long CountDone()
    {
        long done = 0;
        foreach (SpoolSegment segment in _segments)
        {
            done += segment.Count - segment.Live;
        }

        return done;
    }
}
