using SecureMonitor.Watcher.Spool;

namespace SecureMonitor.Watcher.Tests.Spool;

public sealed class SequenceReservationTests
{
    [Fact]
    public void Sequences_start_at_one_and_increase_by_one()
    {
        using var dir = new SpoolTestDirectory();
        var sequences = SequenceReservation.Open(dir.Path, blockSize: 10);

        Assert.Equal([1UL, 2, 3, 4], new[] { sequences.Next(), sequences.Next(), sequences.Next(), sequences.Next() });
    }

    [Fact]
    public void The_file_is_written_once_per_block_and_before_the_block_is_crossed()
    {
        using var dir = new SpoolTestDirectory();
        var sequences = SequenceReservation.Open(dir.Path, blockSize: 10);
        Assert.Equal(0UL, sequences.ReservedThrough);

        sequences.Next();
        Assert.Equal(10UL, sequences.ReservedThrough);
        for (int i = 0; i < 9; i++)
        {
            sequences.Next();
        }

        Assert.Equal(10UL, sequences.ReservedThrough);
        Assert.Equal(11UL, sequences.Next());
        Assert.Equal(20UL, sequences.ReservedThrough);
    }

    [Fact]
    public void An_instance_opened_after_a_crash_starts_above_every_number_the_first_could_have_handed_out()
    {
        using var dir = new SpoolTestDirectory();
        var first = SequenceReservation.Open(dir.Path, blockSize: 100);
        var handedOut = new List<ulong>();
        for (int i = 0; i < 250; i++)
        {
            handedOut.Add(first.Next());
        }

        // The first instance is abandoned, not closed: what it wrote to disk is all there is.
        var second = SequenceReservation.Open(dir.Path, blockSize: 100);
        ulong next = second.Next();

        Assert.True(next > handedOut.Max(), $"{next} must be above {handedOut.Max()}");
        Assert.Equal(301UL, next); // resumes after the reserved block: a gap, never a reuse
        Assert.Equal(handedOut.Count, handedOut.Distinct().Count());
    }

    [Fact]
    public void A_floor_from_the_monitor_raises_the_counter_and_survives_a_reopen()
    {
        using var dir = new SpoolTestDirectory();
        var sequences = SequenceReservation.Open(dir.Path, blockSize: 10);
        sequences.Next();

        sequences.EnsureAbove(5_000);
        Assert.Equal(5_001UL, sequences.Next());
        sequences.EnsureAbove(7); // never lowers
        Assert.Equal(5_002UL, sequences.Next());

        var reopened = SequenceReservation.Open(dir.Path, blockSize: 10);
        Assert.True(reopened.Next() > 5_002UL);
    }

    [Fact]
    public void A_damaged_sequence_file_is_refused_rather_than_guessed()
    {
        using var dir = new SpoolTestDirectory();
        var sequences = SequenceReservation.Open(dir.Path);
        sequences.Next();
        string path = Path.Combine(dir.Path, SequenceReservation.FileName);
        byte[] content = File.ReadAllBytes(path);
        content[0] ^= 1;
        File.WriteAllBytes(path, content);

        var error = Assert.Throws<InvalidDataException>(() => SequenceReservation.Open(dir.Path));
        Assert.Contains("damaged", error.Message);
    }
}
