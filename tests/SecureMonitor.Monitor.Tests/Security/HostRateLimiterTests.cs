using SecureMonitor.Monitor.Security;
using SecureMonitor.TestKit;

namespace SecureMonitor.Monitor.Tests.Security;

public sealed class HostRateLimiterTests
{
    [Fact]
    public void A_host_within_its_rate_never_waits_and_one_over_it_waits_for_the_next_token()
    {
        var time = new ManualTimeProvider();
        var limiter = new HostRateLimiter(ratePerSecond: 10, time);

        for (var message = 0; message < 10; message++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.Acquire("noisy"));
        }
        var wait = limiter.Acquire("noisy");

        Assert.InRange(wait, TimeSpan.FromMilliseconds(99), TimeSpan.FromMilliseconds(101));
        time.Advance(wait);
        Assert.Equal(TimeSpan.Zero, limiter.Acquire("noisy"));
    }

    [Fact]
    public void One_noisy_host_does_not_use_up_another_hosts_rate()
    {
        var limiter = new HostRateLimiter(ratePerSecond: 5, new ManualTimeProvider());
        for (var message = 0; message < 50; message++)
        {
            limiter.Acquire("noisy");
        }

        Assert.Equal(TimeSpan.Zero, limiter.Acquire("quiet"));
    }
}
