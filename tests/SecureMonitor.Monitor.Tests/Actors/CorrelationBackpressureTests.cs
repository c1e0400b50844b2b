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
        gate.SetResult();

        await Eventually.WaitUntilAsync(() => { lock (seen) return seen.Count == 150; },
            () => { lock (seen) return $"the correlator saw {seen.Count} of 150 alerts"; }, Bound);
        Assert.Equal(0, _kit.System.DeadLetters.CountOf(DeadLetterReason.MailboxFull));
        lock (seen)
        {
            Assert.All(new[] { "web-01", "web-02", "web-03" }, host => Assert.Equal(50, seen.Count(alert => alert.HostId == host)));
        }
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
