using SecureMonitor.Actors;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.TestKit.Monitors;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>
/// Stored alerts travel from the writer through the hosts actor and each host's actor to the
/// correlator. When the correlator falls behind and its mailbox is full, they wait for room (slowing
/// the writer) instead of being dropped from correlation.
/// </summary>
public sealed class CorrelationBackpressureTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TestActorSystem _kit = new("backpressure");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Every_stored_alert_reaches_a_correlator_whose_mailbox_is_full_and_none_is_dropped()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<ObservedAlert>();
        var correlator = _kit.System.ActorOf(Props.Create(() => new GatedCollector(gate.Task, seen)).WithMailboxCapacity(1), "correlator");
        var hosts = _kit.System.ActorOf(Props.Create(() => new HostsActor([], new HostLivenessOptions(), correlator, TimeSpan.FromSeconds(1))), "hosts");

        var sequence = 0UL;
        for (var batch = 0; batch < 50; batch++)
        {
            sequence++;
            hosts.Tell(new StoredBatch([.. new[] { "web-01", "web-02", "web-03" }.Select(host =>
                new StoredEvent(host, sequence, _kit.Time.GetUtcNow(), TestWatcherConnection.SampleAlert()))]));
        }
        gate.SetResult(); // nothing above can fail before the gate opens, so disposal never waits on it

        await Eventually.WaitUntilAsync(() => { lock (seen) return seen.Count == 150; },
            () => { lock (seen) return $"the correlator saw {seen.Count} of 150 alerts"; }, Bound);
        Assert.Equal(0, _kit.System.DeadLetters.CountOf(DeadLetterReason.MailboxFull));
        lock (seen)
        {
            Assert.All(new[] { "web-01", "web-02", "web-03" }, host => Assert.Equal(50, seen.Count(alert => alert.HostId == host)));
        }
    }

    [Fact]
    public async Task Asked_for_host_states_while_every_host_waits_for_the_correlator_the_hosts_actor_answers_without_them_and_keeps_routing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<ObservedAlert>();
        var correlator = _kit.System.ActorOf(Props.Create(() => new GatedCollector(gate.Task, seen)).WithMailboxCapacity(1), "correlator");
        var hosts = _kit.System.ActorOf(Props.Create(() => new HostsActor([], new HostLivenessOptions(), correlator, TimeSpan.FromSeconds(1))), "hosts");
        string[] names = ["web-01", "web-02", "web-03"];
        for (var sequence = 1UL; sequence <= 20; sequence++)
        {
            hosts.Tell(new StoredBatch([.. names.Select(host => new StoredEvent(host, sequence, _kit.Time.GetUtcNow(), TestWatcherConnection.SampleAlert()))]));
        }

        try
        {
            // Every host is stuck handing alerts to the full correlator: none can answer, the question still is.
            var asking = hosts.Ask<HostStates>(GetHostStates.Instance, Timeout.InfiniteTimeSpan);
            await _kit.BarrierAsync(hosts, Bound); // it has asked each host (with a timeout on the virtual clock)
            _kit.Time.Advance(TimeSpan.FromSeconds(5));
            Assert.Empty((await asking.WaitAsync(Bound)).Hosts);

            hosts.Tell(new StoredBatch([new StoredEvent("web-04", 1, _kit.Time.GetUtcNow(), TestWatcherConnection.SampleAlert())]));
            await _kit.BarrierAsync(hosts, Bound); // still routing
        }
        finally
        {
            gate.TrySetResult();
        }
        await Eventually.WaitUntilAsync(() => { lock (seen) return seen.Count == 61; },
            () => { lock (seen) return $"the correlator saw {seen.Count} of 61 alerts"; }, Bound);
        Assert.Equal(0, _kit.System.DeadLetters.CountOf(DeadLetterReason.MailboxFull));
    }

    /// <summary>Holds its first message until the gate opens, then records every alert it is told.</summary>
    private sealed class GatedCollector(Task gate, List<ObservedAlert> seen) : Actor
    {
        protected override async ValueTask ReceiveAsync(object message)
        {
            await gate;
            lock (seen)
            {
                switch (message)
                {
                    case ObservedAlert alert:
                        seen.Add(alert);
                        break;
                    case ObservedAlerts alerts:
                        seen.AddRange(alerts.Alerts);
                        break;
                }
            }
        }
    }
}
