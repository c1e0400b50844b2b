using SecureMonitor.Analysis.Liveness;
using Xunit;

namespace SecureMonitor.Analysis.Tests.Liveness;

public sealed class PhiAccrualFailureDetectorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    private static PhiAccrualFailureDetector Steady(int heartbeats, double everySeconds = 5, PhiAccrualOptions? options = null)
    {
        var detector = new PhiAccrualFailureDetector(options);
        for (int i = 0; i < heartbeats; i++)
        {
            detector.Heartbeat(At(i * everySeconds));
        }

        return detector;
    }

    [Fact]
    public void Phi_is_zero_before_the_first_heartbeat()
    {
        Assert.Equal(0, new PhiAccrualFailureDetector().Phi(At(1_000)));
    }

    [Fact]
    public void Steady_five_second_heartbeats_keep_phi_low_up_to_the_next_heartbeat()
    {
        PhiAccrualFailureDetector detector = Steady(200);
        DateTimeOffset last = detector.LastHeartbeat!.Value;

        Assert.True(detector.Phi(last.AddSeconds(2.5)) < 0.01);
        Assert.True(detector.Phi(last.AddSeconds(5)) < 0.1);
        Assert.True(detector.Phi(last.AddSeconds(7)) < 1);
    }

    [Fact]
    public void Phi_at_the_mean_interval_plus_the_acceptable_pause_is_log10_of_two()
    {
        // At y = 0 the model says "as likely late as not": P = 1/2, phi = log10(2).
        PhiAccrualFailureDetector detector = Steady(200);

        double phi = detector.Phi(detector.LastHeartbeat!.Value.AddSeconds(5 + 3));

        Assert.Equal(Math.Log10(2), phi, precision: 9);
    }

    [Fact]
    public void Silence_raises_phi_monotonically_and_without_bound()
    {
        PhiAccrualFailureDetector detector = Steady(50);
        DateTimeOffset last = detector.LastHeartbeat!.Value;
        double previous = -1;

        for (int ms = 0; ms <= 120_000; ms += 50)
        {
            double phi = detector.Phi(last.AddMilliseconds(ms));
            Assert.True(phi >= previous, $"phi fell from {previous} to {phi} at {ms} ms");
            Assert.True(double.IsFinite(phi));
            previous = phi;
        }

        Assert.True(previous > 100, $"phi only {previous} after two minutes of silence");
    }

    [Fact]
    public void The_first_heartbeat_bootstraps_from_the_expected_interval()
    {
        var detector = new PhiAccrualFailureDetector(new PhiAccrualOptions { FirstHeartbeatEstimate = TimeSpan.FromSeconds(10) });

        detector.Heartbeat(At(0));

        Assert.Equal(TimeSpan.FromSeconds(10), detector.MeanInterval);
        Assert.Equal(2, detector.SampleCount);
        Assert.True(detector.Phi(At(10)) < 1, "an interval as expected is not suspicious");
    }

    [Fact]
    public void The_interval_window_is_bounded_and_follows_the_latest_rhythm()
    {
        var detector = new PhiAccrualFailureDetector(new PhiAccrualOptions { MaxSampleSize = 100 });
        double seconds = 0;
        for (int i = 0; i < 10_000; i++)
        {
            detector.Heartbeat(At(seconds));
            seconds += i < 9_000 ? 5 : 2;
        }

        Assert.Equal(100, detector.SampleCount);
        Assert.Equal(TimeSpan.FromSeconds(2), detector.MeanInterval);
        Assert.Equal(TimeSpan.Zero, detector.IntervalStdDeviation);
    }

    [Fact]
    public void Heartbeats_not_later_than_the_previous_one_are_ignored()
    {
        PhiAccrualFailureDetector detector = Steady(10);
        TimeSpan mean = detector.MeanInterval;

        detector.Heartbeat(At(45));
        detector.Heartbeat(At(30));

        Assert.Equal(2, detector.IgnoredHeartbeats);
        Assert.Equal(mean, detector.MeanInterval);
        Assert.Equal(At(45), detector.LastHeartbeat);
    }

    [Fact]
    public void Invalid_options_are_refused_with_every_problem_named()
    {
        var options = new PhiAccrualOptions { MaxSampleSize = 1, MinStdDeviation = TimeSpan.Zero };

        var error = Assert.Throws<ArgumentException>(() => new PhiAccrualFailureDetector(options));

        Assert.Contains("max sample size", error.Message);
        Assert.Contains("min std deviation", error.Message);
    }
}
