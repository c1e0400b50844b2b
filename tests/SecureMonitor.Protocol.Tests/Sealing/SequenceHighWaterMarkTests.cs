using SecureMonitor.Protocol.Sealing;
using Xunit;

namespace SecureMonitor.Protocol.Tests.Sealing;

public sealed class SequenceHighWaterMarkTests
{
    [Fact]
    public void The_first_sequence_is_fresh_and_zero_never_is()
    {
        var mark = new SequenceHighWaterMark();

        Assert.Equal(SequenceClass.Fresh, mark.Classify(1));
        Assert.Equal(SequenceClass.Duplicate, mark.Classify(0));
    }

    [Fact]
    public void A_committed_sequence_and_anything_below_it_are_duplicates()
    {
        var mark = new SequenceHighWaterMark();
        mark.Commit(5);

        Assert.Equal(SequenceClass.Duplicate, mark.Classify(5));
        Assert.Equal(SequenceClass.Duplicate, mark.Classify(1));
        Assert.Equal(SequenceClass.Fresh, mark.Classify(6));
    }

    [Fact]
    public void Gaps_are_allowed_because_a_full_spool_drops_heartbeats()
    {
        var mark = new SequenceHighWaterMark(committed: 5);

        Assert.Equal(SequenceClass.Fresh, mark.Classify(50));
        mark.Commit(50);
        Assert.Equal(50UL, mark.Committed);
    }

    [Fact]
    public void Committing_below_the_mark_never_lowers_it()
    {
        var mark = new SequenceHighWaterMark(committed: 9);
        mark.Commit(3);

        Assert.Equal(9UL, mark.Committed);
        Assert.Equal(SequenceClass.Duplicate, mark.Classify(9));
    }
}
