using SecureMonitor.Watcher.Spool;
using static SecureMonitor.Watcher.Tests.Spool.SpoolTestDirectory;

namespace SecureMonitor.Watcher.Tests.Spool;

public sealed class DurableSpoolTests
{
    [Fact]
    public void Appended_envelopes_are_read_back_in_order_with_their_bytes_and_leave_when_acknowledged()
    {
        using var dir = new SpoolTestDirectory();
        using var spool = dir.Open();

        Assert.Equal(SpoolAppendResult.Appended, spool.Append(SpoolRecordKind.Alert, 1, Envelope(1)));
        Assert.Equal(SpoolAppendResult.Appended, spool.Append(SpoolRecordKind.Heartbeat, 2, Envelope(2)));
        Assert.Equal(SpoolAppendResult.Appended, spool.Append(SpoolRecordKind.Control, 5, Envelope(5)));

        var pending = spool.ReadPending(10);
        Assert.Equal([1UL, 2, 5], Sequences(pending));
        Assert.Equal([SpoolRecordKind.Alert, SpoolRecordKind.Heartbeat, SpoolRecordKind.Control], pending.Select(r => r.Kind));
        Assert.All(pending, r => Assert.Equal(Envelope(r.Sequence), r.Payload.ToArray()));
        Assert.Equal((3, 3L * RecordBytes), (spool.Count, spool.Bytes));

        Assert.True(spool.Acknowledge(2));
        Assert.False(spool.Acknowledge(2));
        Assert.False(spool.Acknowledge(3));

        Assert.Equal([1UL, 5], Sequences(spool.ReadPending(10)));
        Assert.Equal((2, 2L * RecordBytes), (spool.Count, spool.Bytes));
        Assert.Equal(1UL, spool.OldestPendingSequence);
    }

    [Fact]
    public void Reading_pending_envelopes_pages_after_a_given_sequence()
    {
        using var dir = new SpoolTestDirectory();
        using var spool = dir.Open(SegmentsOf(2));
        for (ulong s = 1; s <= 7; s++)
        {
            spool.Append(SpoolRecordKind.Alert, s, Envelope(s));
        }

        spool.Acknowledge(4);

        Assert.Equal([1UL, 2, 3], Sequences(spool.ReadPending(3)));
        Assert.Equal([5UL, 6], Sequences(spool.ReadPending(3, 2)));
        Assert.Equal([7UL], Sequences(spool.ReadPending(6, 10)));
        Assert.Empty(spool.ReadPending(7, 10));
    }

    [Fact]
    public void Sequences_appended_must_increase()
    {
        using var dir = new SpoolTestDirectory();
        using var spool = dir.Open();
        spool.Append(SpoolRecordKind.Alert, 10, Envelope(10));

        Assert.Throws<ArgumentOutOfRangeException>(() => spool.Append(SpoolRecordKind.Alert, 10, Envelope(10)));
        Assert.Throws<ArgumentOutOfRangeException>(() => spool.Append(SpoolRecordKind.Alert, 9, Envelope(9)));
        Assert.Equal(1, spool.Count);
    }

    [Fact]
    public void Reopening_keeps_the_unacknowledged_envelopes_in_order_and_forgets_the_acknowledged_ones()
    {
        using var dir = new SpoolTestDirectory();
        using (var spool = dir.Open(SegmentsOf(3)))
        {
            for (ulong s = 1; s <= 8; s++)
            {
                spool.Append(s % 2 == 0 ? SpoolRecordKind.Heartbeat : SpoolRecordKind.Alert, s, Envelope(s));
            }

            spool.Acknowledge(1);
            spool.Acknowledge(4);
            spool.Acknowledge(5);
        }

        using var reopened = dir.Open(SegmentsOf(3));

        var pending = reopened.ReadPending(100);
        Assert.Equal([2UL, 3, 6, 7, 8], Sequences(pending));
        Assert.All(pending, r => Assert.Equal(Envelope(r.Sequence), r.Payload.ToArray()));
        Assert.Equal(8UL, reopened.LastAppendedSequence);
        Assert.True(reopened.Recovery.IsClean);
        Assert.Equal(5, reopened.Recovery.PendingRecords);
        Assert.Equal(SpoolAppendResult.Appended, reopened.Append(SpoolRecordKind.Alert, 9, Envelope(9)));
    }

    [Fact]
    public void A_record_cut_short_at_the_end_of_the_last_segment_is_truncated_on_open_and_the_earlier_ones_survive()
    {
        using var dir = new SpoolTestDirectory();
        using (var spool = dir.Open())
        {
            for (ulong s = 1; s <= 3; s++)
            {
                spool.Append(SpoolRecordKind.Alert, s, Envelope(s));
            }
        }

        // kill -9 in the middle of writing record 3: only part of it reached the file.
        string segment = dir.LastSegmentPath();
        long intact = SegmentHeaderBytes + (2 * RecordBytes);
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(intact + 40);
        }

        using (var reopened = dir.Open())
        {
            Assert.Equal([1UL, 2], Sequences(reopened.ReadPending(10)));
            Assert.Equal(40, reopened.Recovery.TornTailBytesTruncated);
            Assert.Empty(reopened.Recovery.Corruptions);
            Assert.Equal(intact, new FileInfo(segment).Length);

            // The truncated file takes appends again; sequence 3 was never durably spooled, so it may
            // not be reused (the sealer would refuse), but any later one may.
            Assert.Equal(SpoolAppendResult.Appended, reopened.Append(SpoolRecordKind.Alert, 4, Envelope(4)));
        }

        using var again = dir.Open();
        Assert.Equal([1UL, 2, 4], Sequences(again.ReadPending(10)));
        Assert.True(again.Recovery.IsClean);
    }

    [Fact]
    public void Garbage_after_the_last_record_is_truncated_on_open()
    {
        using var dir = new SpoolTestDirectory();
        using (var spool = dir.Open())
        {
            spool.Append(SpoolRecordKind.Alert, 1, Envelope(1));
            spool.Append(SpoolRecordKind.Heartbeat, 2, Envelope(2));
        }

        File.AppendAllText(dir.LastSegmentPath(), "this is not a record, but long enough to look like one");

        using var reopened = dir.Open();
        Assert.Equal([1UL, 2], Sequences(reopened.ReadPending(10)));
        Assert.Equal(54, reopened.Recovery.TornTailBytesTruncated);
        Assert.Equal(SegmentHeaderBytes + (2 * RecordBytes), new FileInfo(dir.LastSegmentPath()).Length);
    }

    [Fact]
    public void A_bad_checksum_in_the_last_record_truncates_that_record_only()
    {
        using var dir = new SpoolTestDirectory();
        using (var spool = dir.Open())
        {
            for (ulong s = 1; s <= 3; s++)
            {
                spool.Append(SpoolRecordKind.Alert, s, Envelope(s));
            }
        }

        FlipByte(dir.LastSegmentPath(), SegmentHeaderBytes + (2 * RecordBytes) + DurableSpool.RecordHeaderBytes + 7);

        using var reopened = dir.Open();
        Assert.Equal([1UL, 2], Sequences(reopened.ReadPending(10)));
        Assert.Equal(RecordBytes, reopened.Recovery.TornTailBytesTruncated);
    }

    [Fact]
    public void Damage_inside_an_earlier_segment_skips_the_rest_of_that_segment_reports_it_and_keeps_everything_else()
    {
        using var dir = new SpoolTestDirectory();
        using (var spool = dir.Open(SegmentsOf(3)))
        {
            for (ulong s = 1; s <= 7; s++)
            {
                spool.Append(SpoolRecordKind.Alert, s, Envelope(s));
            }
        }

        string first = dir.SegmentFiles()[0];
        FlipByte(dir.SegmentPath(first), SegmentHeaderBytes + RecordBytes + DurableSpool.RecordHeaderBytes); // record 2

        using var reopened = dir.Open(SegmentsOf(3));

        Assert.Equal([1UL, 4, 5, 6, 7], Sequences(reopened.ReadPending(10)));
        var corruption = Assert.Single(reopened.Recovery.Corruptions);
        Assert.EndsWith(first, corruption.File);
        Assert.Equal(SegmentHeaderBytes + RecordBytes, corruption.Offset);
        Assert.Equal(2 * RecordBytes, corruption.BytesSkipped);
        Assert.Equal(0, reopened.Recovery.TornTailBytesTruncated);

        // Once its readable record is acknowledged, the damaged file is set aside, not read again.
        reopened.Acknowledge(1);
        Assert.Contains(first + ".corrupt", dir.SegmentFiles());
        Assert.DoesNotContain(first, dir.SegmentFiles());
    }

    [Fact]
    public void A_segment_file_that_is_not_a_segment_is_set_aside_and_reported()
    {
        using var dir = new SpoolTestDirectory();
        using (var spool = dir.Open(SegmentsOf(2)))
        {
            for (ulong s = 1; s <= 4; s++)
            {
                spool.Append(SpoolRecordKind.Alert, s, Envelope(s));
            }
        }

        string first = dir.SegmentFiles()[0];
        FlipByte(dir.SegmentPath(first), 0);

        using var reopened = dir.Open(SegmentsOf(2));
        Assert.Equal([3UL, 4], Sequences(reopened.ReadPending(10)));
        Assert.Equal("not a spool segment (bad header)", Assert.Single(reopened.Recovery.Corruptions).Reason);
        Assert.Contains(first + ".corrupt", dir.SegmentFiles());
    }

    [Fact]
    public void A_segment_created_but_killed_before_its_header_was_written_is_reused()
    {
        using var dir = new SpoolTestDirectory();
        using (var spool = dir.Open())
        {
            spool.Append(SpoolRecordKind.Alert, 1, Envelope(1));
        }

        File.WriteAllBytes(Path.Combine(dir.SpoolPath, "segment-00000000000000000002.log"), []);

        using var reopened = dir.Open();
        Assert.Equal([1UL], Sequences(reopened.ReadPending(10)));
        Assert.Empty(reopened.Recovery.Corruptions);
        Assert.Equal(SpoolAppendResult.Appended, reopened.Append(SpoolRecordKind.Alert, 2, Envelope(2)));
        Assert.Equal([1UL, 2], Sequences(reopened.ReadPending(10)));
    }

    [Fact]
    public void A_segment_is_deleted_once_all_its_records_are_acknowledged_and_the_ack_log_is_compacted()
    {
        using var dir = new SpoolTestDirectory();
        using var spool = dir.Open(SegmentsOf(3));
        for (ulong s = 1; s <= 9; s++)
        {
            spool.Append(SpoolRecordKind.Alert, s, Envelope(s));
        }

        Assert.Equal(
            ["segment-00000000000000000001.log", "segment-00000000000000000004.log", "segment-00000000000000000007.log"],
            dir.SegmentFiles());

        spool.Acknowledge(1);
        spool.Acknowledge(2);
        Assert.Equal(3, dir.SegmentFiles().Length);
        spool.Acknowledge(3);
        Assert.Equal(["segment-00000000000000000004.log", "segment-00000000000000000007.log"], dir.SegmentFiles());
        Assert.Equal(8, new FileInfo(Path.Combine(dir.SpoolPath, "acks.log")).Length); // header only

        for (ulong s = 4; s <= 9; s++)
        {
            spool.Acknowledge(s);
        }

        // The segment being appended to stays until it is full, so that a quiet spool does not
        // create and delete a file per envelope.
        Assert.Equal(["segment-00000000000000000007.log"], dir.SegmentFiles());
        Assert.Equal((0, 0L), (spool.Count, spool.Bytes));

        spool.Append(SpoolRecordKind.Alert, 10, Envelope(10));
        Assert.Equal(["segment-00000000000000000010.log"], dir.SegmentFiles());
    }

    [Fact]
    public void Acknowledgements_in_any_order_leave_exactly_the_unacknowledged_records_pending_across_a_reopen()
    {
        using var dir = new SpoolTestDirectory();
        ulong[] acknowledged = [9, 2, 7, 3, 1, 12, 5];
        using (var spool = dir.Open(SegmentsOf(4)))
        {
            for (ulong s = 1; s <= 12; s++)
            {
                spool.Append(SpoolRecordKind.Alert, s, Envelope(s));
            }

            foreach (ulong s in acknowledged)
            {
                Assert.True(spool.Acknowledge(s));
            }

            Assert.Equal([4UL, 6, 8, 10, 11], Sequences(spool.ReadPending(100)));
            spool.Acknowledge(4); // completes the first segment (1..4)
            Assert.DoesNotContain("segment-00000000000000000001.log", dir.SegmentFiles());
        }

        using var reopened = dir.Open(SegmentsOf(4));
        Assert.Equal([6UL, 8, 10, 11], Sequences(reopened.ReadPending(100)));
        Assert.Equal(6UL, reopened.OldestPendingSequence);
    }

    [Fact]
    public void Acknowledging_through_a_high_water_mark_clears_every_record_up_to_it()
    {
        using var dir = new SpoolTestDirectory();
        using var spool = dir.Open(SegmentsOf(2));
        for (ulong s = 1; s <= 6; s++)
        {
            spool.Append(SpoolRecordKind.Alert, s, Envelope(s));
        }

        spool.Acknowledge(2);

        Assert.Equal(3, spool.AcknowledgeThrough(4));
        Assert.Equal([5UL, 6], Sequences(spool.ReadPending(10)));
        Assert.Equal(["segment-00000000000000000005.log"], dir.SegmentFiles());
    }

    [Fact]
    public void A_full_spool_drops_the_oldest_heartbeats_first_then_refuses_alerts_and_takes_them_again_once_acknowledgements_free_room()
    {
        using var dir = new SpoolTestDirectory();
        using var spool = dir.Open(new SpoolOptions { MaxBytes = 5 * RecordBytes });
        spool.Append(SpoolRecordKind.Heartbeat, 1, Envelope(1));
        spool.Append(SpoolRecordKind.Alert, 2, Envelope(2));
        spool.Append(SpoolRecordKind.Heartbeat, 3, Envelope(3));
        spool.Append(SpoolRecordKind.Resolution, 4, Envelope(4));
        spool.Append(SpoolRecordKind.Heartbeat, 5, Envelope(5));
        Assert.Equal(5L * RecordBytes, spool.Bytes);

        Assert.Equal(SpoolAppendResult.Appended, spool.Append(SpoolRecordKind.Alert, 6, Envelope(6)));
        Assert.Equal([2UL, 3, 4, 5, 6], Sequences(spool.ReadPending(10)));
        Assert.Equal(SpoolAppendResult.Appended, spool.Append(SpoolRecordKind.Control, 7, Envelope(7)));
        Assert.Equal(SpoolAppendResult.Appended, spool.Append(SpoolRecordKind.Heartbeat, 8, Envelope(8)));
        Assert.Equal([2UL, 4, 6, 7, 8], Sequences(spool.ReadPending(10)));
        Assert.Equal(3, spool.DroppedHeartbeats);
        Assert.False(spool.IsFull);

        Assert.Equal(SpoolAppendResult.Appended, spool.Append(SpoolRecordKind.Alert, 9, Envelope(9)));
        Assert.Equal(4, spool.DroppedHeartbeats);

        // Only alerts, resolutions and control messages left: nothing more may go.
        Assert.Equal(SpoolAppendResult.Refused, spool.Append(SpoolRecordKind.Alert, 10, Envelope(10)));
        Assert.Equal(SpoolAppendResult.HeartbeatDropped, spool.Append(SpoolRecordKind.Heartbeat, 11, Envelope(11)));
        Assert.Equal(SpoolAppendResult.Refused, spool.Append(SpoolRecordKind.Control, 12, Envelope(12)));
        Assert.True(spool.IsFull);
        Assert.Equal((2L, 5L), (spool.RefusedAlerts, spool.DroppedHeartbeats));
        Assert.Equal([2UL, 4, 6, 7, 9], Sequences(spool.ReadPending(10)));

        spool.Acknowledge(4);
        Assert.False(spool.IsFull);
        Assert.Equal(SpoolAppendResult.Appended, spool.Append(SpoolRecordKind.Alert, 13, Envelope(13)));
        Assert.Equal([2UL, 6, 7, 9, 13], Sequences(spool.ReadPending(10)));

        var snapshot = spool.Snapshot();
        Assert.Equal((5, 5L * RecordBytes, 2L, 5L), (snapshot.Count, snapshot.Bytes, snapshot.RefusedAlerts, snapshot.DroppedHeartbeats));
    }

    [Fact]
    public void Dropped_heartbeats_stay_dropped_after_a_reopen()
    {
        using var dir = new SpoolTestDirectory();
        var options = new SpoolOptions { MaxBytes = 2 * RecordBytes };
        using (var spool = dir.Open(options))
        {
            spool.Append(SpoolRecordKind.Heartbeat, 1, Envelope(1));
            spool.Append(SpoolRecordKind.Heartbeat, 2, Envelope(2));
            spool.Append(SpoolRecordKind.Alert, 3, Envelope(3));
            Assert.Equal([2UL, 3], Sequences(spool.ReadPending(10)));
        }

        using var reopened = dir.Open(options);
        Assert.Equal([2UL, 3], Sequences(reopened.ReadPending(10)));
        Assert.Equal(2L * RecordBytes, reopened.Bytes);
    }

    [Fact]
    public void A_torn_acknowledgement_is_discarded_and_only_means_that_record_is_resent()
    {
        using var dir = new SpoolTestDirectory();
        using (var spool = dir.Open())
        {
            for (ulong s = 1; s <= 3; s++)
            {
                spool.Append(SpoolRecordKind.Alert, s, Envelope(s));
            }

            spool.Acknowledge(1);
            spool.Acknowledge(2);
        }

        string acks = Path.Combine(dir.SpoolPath, "acks.log");
        using (var file = new FileStream(acks, FileMode.Open))
        {
            file.SetLength(file.Length - 5); // the acknowledgement of 2 was cut short
        }

        using var reopened = dir.Open();
        Assert.Equal([2UL, 3], Sequences(reopened.ReadPending(10)));
        Assert.Equal(7, reopened.Recovery.AckLogBytesDiscarded);
    }

    [Fact]
    public void A_second_open_of_the_same_spool_is_refused_while_the_first_is_open()
    {
        using var dir = new SpoolTestDirectory();
        using var spool = dir.Open();

        Assert.Throws<IOException>(() => dir.Open());
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x5A));
    }
}
