using SecureMonitor.Analysis.Liveness;
using Xunit;

namespace SecureMonitor.Analysis.Tests.Liveness;

public sealed class HostLivenessTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Threshold 8, down after 30 s; 10 samples, so steady heartbeats push the bootstrap out.</summary>
    private static readonly HostLivenessOptions Options = new()
    {
        PhiUnreachable = 8,
        DownAfter = TimeSpan.FromSeconds(30),
        Detector = new PhiAccrualOptions
        {
            MaxSampleSize = 10,
            MinStdDeviation = TimeSpan.FromMilliseconds(500),
            AcceptableHeartbeatPause = TimeSpan.FromSeconds(3),
            FirstHeartbeatEstimate = TimeSpan.FromSeconds(5),
        },
    };

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    /// <summary>Heartbeats every 5 s at seconds 0, 5, ..., 95; the last one is at 95.</summary>
    private static HostLiveness SteadyUntil95()
    {
        var liveness = new HostLiveness(Options);
        for (int i = 0; i < 20; i++)
        {
            liveness.Heartbeat(At(i * 5));
        }

        return liveness;
    }

    /// <summary>
    /// The silence at which phi reaches <paramref name="threshold"/> for a mean of 5 s + 3 s pause and the 500 ms floor,
    /// solved from the model's formula (softplus(L) = threshold · ln 10, L = y(1.5976 + 0.070566 y²)) by bisection,
    /// independently of the implementation.
    /// </summary>
    private static TimeSpan SilenceWherePhiReaches(double threshold)
    {
        double target = Math.Log(Math.Pow(10, threshold) - 1);
        double low = 0, high = 100;
        for (int i = 0; i < 200; i++)
        {
            double y = (low + high) / 2;
            if (y * (1.5976 + 0.070566 * y * y) < target)
            {
                low = y;
            }
            else
            {
                high = y;
            }
        }

        return TimeSpan.FromMilliseconds(8_000 + 500 * high);
    }

    [Fact]
    public void Before_any_heartbeat_the_state_is_unknown_and_evaluation_says_nothing()
    {
        var liveness = new HostLiveness(Options);

        Assert.Empty(liveness.Evaluate(At(1_000)));
        Assert.Equal(HostLivenessState.Unknown, liveness.State);
    }

    [Fact]
    public void The_first_heartbeat_makes_the_host_up_with_one_event()
    {
        var liveness = new HostLiveness(Options);

        LivenessChanged change = Assert.Single(liveness.Heartbeat(At(0)));

        Assert.Equal(new LivenessChanged(HostLivenessState.Unknown, HostLivenessState.Up, At(0), 0, TimeSpan.Zero), change);
    }

    [Fact]
    public void Steady_five_second_heartbeats_keep_the_host_up_and_phi_low()
    {
        var liveness = new HostLiveness(Options);
        liveness.Heartbeat(At(0));
        var changes = new List<LivenessChanged>();

        for (int i = 1; i < 500; i++)
        {
            changes.AddRange(liveness.Evaluate(At(i * 5 - 0.001)));
            Assert.True(liveness.Detector.Phi(At(i * 5 - 0.001)) < 1);
            changes.AddRange(liveness.Heartbeat(At(i * 5)));
        }

        Assert.Empty(changes);
        Assert.Equal(HostLivenessState.Up, liveness.State);
    }

    [Fact]
    public void Silence_makes_the_host_unreachable_then_down_at_the_configured_instants()
    {
        HostLiveness liveness = SteadyUntil95();
        DateTimeOffset unreachableAt = At(95) + SilenceWherePhiReaches(8); // about 10.6 s after the last heartbeat

        Assert.Empty(liveness.Evaluate(unreachableAt.AddMilliseconds(-1)));
        LivenessChanged unreachable = Assert.Single(liveness.Evaluate(unreachableAt.AddMilliseconds(1)));
        Assert.Empty(liveness.Evaluate(At(95 + 29.999)));
        LivenessChanged down = Assert.Single(liveness.Evaluate(At(95 + 30)));
        Assert.Empty(liveness.Evaluate(At(95 + 300)));

        Assert.InRange(unreachableAt - At(95), TimeSpan.FromSeconds(10.5), TimeSpan.FromSeconds(10.7));
        Assert.Equal((HostLivenessState.Up, HostLivenessState.Unreachable), (unreachable.From, unreachable.To));
        Assert.True(unreachable.Phi >= 8 && unreachable.Phi < 8.1, $"phi {unreachable.Phi}");
        Assert.Equal((HostLivenessState.Unreachable, HostLivenessState.Down, At(125)), (down.From, down.To, down.At));
        Assert.Equal(TimeSpan.FromSeconds(30), down.Silence);
        Assert.Equal(HostLivenessState.Down, liveness.State);
    }

    [Fact]
    public void An_up_host_evaluated_only_after_the_down_silence_goes_straight_down()
    {
        HostLiveness liveness = SteadyUntil95();

        LivenessChanged change = Assert.Single(liveness.Evaluate(At(95 + 45)));

        Assert.Equal((HostLivenessState.Up, HostLivenessState.Down), (change.From, change.To));
    }

    [Theory]
    [InlineData(12)] // unreachable
    [InlineData(60)] // down
    public void A_heartbeat_brings_the_host_back_up_with_one_event(double silentSeconds)
    {
        HostLiveness liveness = SteadyUntil95();
        Assert.Single(liveness.Evaluate(At(95 + silentSeconds)));
        HostLivenessState before = liveness.State;

        LivenessChanged back = Assert.Single(liveness.Heartbeat(At(95 + silentSeconds + 1)));

        Assert.Equal((before, HostLivenessState.Up), (back.From, back.To));
        Assert.Equal(TimeSpan.FromSeconds(silentSeconds + 1), back.Silence);
        Assert.Empty(liveness.Heartbeat(At(95 + silentSeconds + 6)));
        Assert.Empty(liveness.Evaluate(At(95 + silentSeconds + 8)));
    }

    [Fact]
    public void The_silence_that_ended_a_down_period_is_not_learnt_as_a_heartbeat_interval()
    {
        HostLiveness liveness = SteadyUntil95();
        liveness.Evaluate(At(95 + 60));

        liveness.Heartbeat(At(95 + 61));

        Assert.Equal(TimeSpan.FromSeconds(5), liveness.Detector.MeanInterval);
    }

    [Fact]
    public void Jittered_heartbeats_do_not_flap()
    {
        var random = new Random(7);
        var liveness = new HostLiveness(new HostLivenessOptions());
        var changes = new List<LivenessChanged>();
        double seconds = 0;
        liveness.Heartbeat(At(0));

        for (int i = 0; i < 1_000; i++)
        {
            double next = seconds + 5 * (0.8 + 0.4 * random.NextDouble()); // ±20 %
            for (double t = seconds + 1; t < next; t += 1)
            {
                changes.AddRange(liveness.Evaluate(At(t)));
            }

            changes.AddRange(liveness.Evaluate(At(next)));
            changes.AddRange(liveness.Heartbeat(At(next)));
            seconds = next;
        }

        Assert.Empty(changes);
        Assert.Equal(HostLivenessState.Up, liveness.State);
        Assert.Equal(100, liveness.Detector.SampleCount);
    }

    [Fact]
    public void A_stale_heartbeat_changes_nothing()
    {
        HostLiveness liveness = SteadyUntil95();
        liveness.Evaluate(At(95 + 60));

        Assert.Empty(liveness.Heartbeat(At(90)));
        Assert.Equal(HostLivenessState.Down, liveness.State);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new HostLiveness(new HostLivenessOptions { PhiUnreachable = 0, DownAfter = TimeSpan.Zero }));

        Assert.Contains("phi unreachable", error.Message);
        Assert.Contains("down after", error.Message);
    }
}
