using SecureMonitor.Transport;
using SecureMonitor.Watcher.Delivery;
using Xunit;

namespace SecureMonitor.Watcher.Tests.Delivery;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Fact]
    public void Delays_grow_exponentially_with_jitter_and_never_exceed_the_maximum()
    {
        var backoff = new ReconnectBackoff(Min, Max, new Random(42));
        var ceilings = new List<TimeSpan>();

        for (var attempt = 0; attempt < 40; attempt++)
        {
            var delay = backoff.NextDelay();
            var ceiling = TimeSpan.FromTicks(Math.Min(Max.Ticks, Min.Ticks << Math.Min(attempt, 20)));
            Assert.InRange(delay, Min / 2, ceiling > Min / 2 ? ceiling : Min / 2);
            ceilings.Add(ceiling);
        }

        Assert.Equal(Max, ceilings[^1]);
    }

    [Fact]
    public void Many_watchers_failing_together_do_not_retry_in_lockstep()
    {
        var delays = Enumerable.Range(0, 1_000).Select(seed =>
        {
            var backoff = new ReconnectBackoff(Min, Max, new Random(seed));
            for (var attempt = 0; attempt < 5; attempt++)
            {
                backoff.NextDelay();
            }
            return backoff.NextDelay();
        }).ToList();

        // Spread over the window, not piled on one instant.
        Assert.True(delays.Distinct().Count() > 900);
        Assert.True(delays.Max() - delays.Min() > TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_success_starts_the_next_failure_from_the_minimum_again()
    {
        var backoff = new ReconnectBackoff(Min, Max, new Random(7));
        for (var attempt = 0; attempt < 10; attempt++)
        {
            backoff.NextDelay();
        }

        backoff.Reset();

        Assert.InRange(backoff.NextDelay(), Min / 2, Min);
    }

    [Fact]
    public void Endpoints_are_tried_in_turn_and_a_followers_hint_goes_first()
    {
        var endpoints = new MonitorEndpoints([MonitorEndpoint.Parse("10.0.0.1:7800"), MonitorEndpoint.Parse("10.0.0.2:7800")]);

        Assert.Equal("10.0.0.1:7800", endpoints.Next().ToString());
        Assert.Equal("10.0.0.2:7800", endpoints.Next().ToString());
        endpoints.Prefer(["10.0.0.3:7800", "not an endpoint"]);
        Assert.Equal("10.0.0.3:7800", endpoints.Next().ToString());
        Assert.Equal("10.0.0.1:7800", endpoints.Next().ToString());
    }
}
