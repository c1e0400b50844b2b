namespace SecureMonitor.Monitor.Tests.TestKit;

public sealed class ManualTimeProviderTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly List<string> _fired = [];

    [Fact]
    public void Advance_fires_due_timers_in_due_time_order_whatever_the_creation_order()
    {
        Record("third", TimeSpan.FromSeconds(3));
        Record("first", TimeSpan.FromSeconds(1));
        Record("second", TimeSpan.FromSeconds(2));
        Record("later", TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(["first", "second", "third"], _fired);
    }

    [Fact]
    public void Timers_due_at_the_same_instant_fire_in_arming_order()
    {
        Record("a", TimeSpan.FromSeconds(1));
        Record("b", TimeSpan.FromSeconds(1));
        Record("c", TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["a", "b", "c"], _fired);
    }

    [Fact]
    public void The_clock_reads_each_timers_due_time_while_its_callback_runs()
    {
        var seen = new List<DateTimeOffset>();
        using var first = _time.CreateTimer(_ => seen.Add(_time.GetUtcNow()), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var second = _time.CreateTimer(_ => seen.Add(_time.GetUtcNow()), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);

        _time.Advance(TimeSpan.FromSeconds(5));

        var start = ManualTimeProvider.DefaultStart;
        Assert.Equal([start.AddSeconds(1), start.AddSeconds(2)], seen);
        Assert.Equal(start.AddSeconds(5), _time.GetUtcNow());
    }

    [Fact]
    public void Periodic_timers_are_re_armed_after_each_firing()
    {
        using var timer = Record("tick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromSeconds(3.5));

        Assert.Equal(3, _fired.Count);
        Assert.Equal(1, _time.ArmedTimerCount);
    }

    [Fact]
    public void Change_reschedules_and_Dispose_prevents_firing()
    {
        var moved = Record("moved", TimeSpan.FromSeconds(1));
        var disposed = Record("disposed", TimeSpan.FromSeconds(1));

        Assert.True(moved.Change(TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan));
        disposed.Dispose();
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(_fired);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["moved"], _fired);
        Assert.False(disposed.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void A_timer_armed_by_a_callback_fires_in_the_same_advance_if_due()
    {
        using var chained = _time.CreateTimer(
            _ =>
            {
                _fired.Add("outer");
                Record("inner", TimeSpan.FromSeconds(1));
            },
            null,
            TimeSpan.FromSeconds(1),
            Timeout.InfiniteTimeSpan);

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(["outer", "inner"], _fired);
    }

    [Fact]
    public void A_zero_delay_timer_fires_at_the_next_advance()
    {
        Record("now", TimeSpan.Zero);
        Assert.Empty(_fired);

        _time.Advance(TimeSpan.Zero);

        Assert.Equal(["now"], _fired);
    }

    [Fact]
    public void Timestamps_follow_the_virtual_clock()
    {
        var before = _time.GetTimestamp();

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(TimeSpan.FromMinutes(2), _time.GetElapsedTime(before));
    }

    private ITimer Record(string name, TimeSpan dueTime, TimeSpan? period = null) =>
        _time.CreateTimer(_ => _fired.Add(name), null, dueTime, period ?? Timeout.InfiniteTimeSpan);
}
