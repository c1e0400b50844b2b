using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Tests.Listener;

/// <summary>The connection cap stays below the descriptor limit, and a failing accept backs off and
/// logs once per window instead of spinning (the monitor once logged 33,300 lines in 5 s and died).</summary>
public sealed class ConnectionLimitTests
{
    [Theory]
    [InlineData(20_000, 20_000UL, 220, 128, 19_652)] // the shipped max-connections under a 20,000 limit
    [InlineData(20_000, 1_048_576UL, 220, 128, 20_000)] // a generous limit: the operator's maximum
    [InlineData(20_000, 400UL, 220, 128, 52)]
    [InlineData(20_000, 300UL, 220, 128, 1)] // no room left: one connection, never zero or less
    public void The_cap_is_the_configured_maximum_or_what_the_descriptor_limit_leaves(int configured, ulong limit, int open, int reserve, int expected) =>
        Assert.Equal(expected, ConnectionCap.Derive(configured, limit, open, reserve));

    [Fact]
    public void An_unknown_or_unlimited_descriptor_limit_leaves_the_configured_maximum() =>
        Assert.Equal(20_000, ConnectionCap.Derive(20_000, null, 220, 128));

    [Fact]
    public void Failed_accepts_wait_longer_each_time_up_to_a_second_and_start_over_after_a_success()
    {
        var backoff = new AcceptBackoff(new ManualTimeProvider());
        var delays = Enumerable.Range(0, 10).Select(_ => backoff.Failed().Delay).ToList();

        Assert.Equal(AcceptBackoff.FirstDelay, delays[0]);
        Assert.All(delays.Zip(delays.Skip(1)), pair => Assert.True(pair.Second >= pair.First));
        Assert.Equal(AcceptBackoff.MaxDelay, delays[^1]);
        backoff.Succeeded();
        Assert.Equal(AcceptBackoff.FirstDelay, backoff.Failed().Delay);
    }

    [Fact]
    public void Failed_accepts_are_logged_once_per_window_with_the_count_not_logged()
    {
        var clock = new ManualTimeProvider();
        var backoff = new AcceptBackoff(clock);

        Assert.True(backoff.Failed().Log);
        for (var failure = 0; failure < 1000; failure++)
        {
            Assert.False(backoff.Failed().Log);
        }
        clock.Advance(AcceptBackoff.LogWindow);
        var next = backoff.Failed();

        Assert.True(next.Log);
        Assert.Equal(1000, next.Unlogged);
    }
}

/// <summary>Keepalive probes on accepted connections find a dead peer that the idle timeout spares (a console on tail).</summary>
public sealed class DeadPeerProbesTests
{
    [Fact]
    public async Task An_accepted_connection_is_probed_after_the_idle_timeout_every_ten_seconds_three_times()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync((System.Net.IPEndPoint)listener.LocalEndpoint);
        using var accepted = await listener.AcceptSocketAsync();

        DeadPeerProbes.Enable(accepted, TimeSpan.FromSeconds(60));

        Assert.Equal(1, (int)accepted.GetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.KeepAlive)!);
        Assert.Equal(60, (int)accepted.GetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(10, (int)accepted.GetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(3, (int)accepted.GetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveRetryCount)!);
    }
}
