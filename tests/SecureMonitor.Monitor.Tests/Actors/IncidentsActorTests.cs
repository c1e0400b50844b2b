using Akka.Actor;
using Akka.TestKit;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Notifications;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.TestKit.Actors;
using NotifiedState = SecureMonitor.Notifications.IncidentState;
using StoredState = SecureMonitor.Storage.IncidentState;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>
/// The correlator actor and its incidents actor on virtual time (Akka's test scheduler, which the
/// store and the notifier read too), with a SQLite store in a temp directory and a notification
/// dispatcher whose one channel records what it is told. Alerts are told to the correlator as the
/// hosts tell them (stamped with the monitor's clock); the test moves the clock a second at a time,
/// so the correlator's 1 s tick runs at every virtual second, and waits at a barrier (correlator, then
/// incidents) after each.
/// </summary>
public sealed class IncidentsActorTests() : Akka.TestKit.Xunit2.TestKit(VirtualTime.Config), IAsyncLifetime
{
    private const string Node = "monitor-a";

    // K = 3 hosts or a storm of N = 5 alerts within W = 30 s; resolved after 60 s without evidence.
    private static readonly CorrelationOptions Correlation = new()
    {
        MinHosts = 3,
        Window = TimeSpan.FromSeconds(30),
        StormAlerts = 5,
        QuietPeriod = TimeSpan.FromSeconds(60),
    };

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);

    private readonly string _data = Directory.CreateTempSubdirectory("sm-incidents-actor-").FullName;
    private readonly RecordingChannel _channel = new();
    private SqliteMonitorStore _store = null!;
    private GatedIncidentStore _gate = null!;
    private NotificationDispatcher _notifier = null!;
    private IActorRef _correlator = null!;
    private IActorRef _incidents = null!;
    private WriteFence _fence;
    private readonly Dictionary<string, ulong> _sequences = [];

    private TestScheduler Clock => VirtualTime.Of(Sys);

    public async Task InitializeAsync()
    {
        VirtualTime.AlignToWholeSecond(Clock); // stored times keep microseconds: compare like with like
        var time = new SchedulerTimeProvider(Sys.Scheduler);
        _store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = _data, Time = time });
        await _store.MigrateAsync();
        var lease = await _store.TryAcquireLeaseAsync(Node, "127.0.0.1:7800", TimeSpan.FromHours(1), Clock.Now)
            ?? throw new InvalidOperationException("a fresh store refused the lease");
        _notifier = new NotificationDispatcher([_channel], time: time);
        _fence = new WriteFence(lease.Epoch);
        _gate = new GatedIncidentStore(_store);
        var (gated, fence, notifier) = (_gate, _fence, _notifier);
        // Its parent (here the test) restarts it on any failure, as the monitor singleton does.
        _correlator = ChildActorOf(Props.Create(() => new DosCorrelatorActor(Correlation, gated, fence, notifier, Node)), "correlator",
            new OneForOneStrategy(_ => Directive.Restart));
        await FindIncidentsAsync();
        await SettleAsync(); // restored from the store; the 1 s tick is armed
    }

    /// <summary>The correlator's child (made anew when the correlator restarts).</summary>
    private async Task FindIncidentsAsync() => await AwaitAssertAsync(async () =>
        _incidents = await Sys.ActorSelection(_correlator.Path / "incidents").ResolveOne(Bound), Bound, TimeSpan.FromMilliseconds(20));

    public async Task DisposeAsync()
    {
        Shutdown();
        await _notifier.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Alerts_from_fewer_than_k_hosts_within_the_window_open_no_incident()
    {
        await AlertAsync("web-01");
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await AlertAsync("web-02");

        await AssertNoIncidentAsync();

        // A third host once the first has left the window (more than W after it) still makes only two.
        await AdvanceAsync(TimeSpan.FromSeconds(26)); // web-01 is now 31 s old
        await AlertAsync("web-03");

        await AssertNoIncidentAsync();
        await _channel.ExpectNoneAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task The_kth_host_within_the_window_opens_exactly_one_incident_stored_and_notified_once()
    {
        var openedAt = await OpenWithThreeHostsAsync();

        var opened = await _channel.NextAsync();
        Assert.Equal(IncidentChange.Opened, opened.Change);
        Assert.Equal(NotifiedState.Open, opened.State);
        Assert.Equal(["web-01", "web-02", "web-03"], opened.Hosts);
        Assert.Equal(["distributed_alerts"], opened.Kinds);
        Assert.Equal(openedAt, opened.OpenedAt);
        Assert.Equal(Node, opened.MonitorNode);
        Assert.Equal(1, opened.Version);

        var stored = Assert.Single(await _store.ListIncidentsAsync(openOnly: false));
        Assert.Equal(opened.IncidentId, stored.Id);
        Assert.Equal(StoredState.Open, stored.State);
        Assert.Equal(["web-01", "web-02", "web-03"], stored.Hosts);
        Assert.Equal(openedAt, stored.OpenedAt);
        Assert.Equal(opened.Version, stored.Version);
        Assert.Equal(opened.IncidentId, (await ActiveAsync())?.Id);

        await _channel.ExpectNoneAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Another_host_in_the_same_episode_grows_the_same_incident_and_opens_no_second_one()
    {
        await OpenWithThreeHostsAsync();
        var opened = await _channel.NextAsync();

        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await AlertAsync("web-04");

        var grew = await _channel.NextAsync();
        Assert.Equal(IncidentChange.Grew, grew.Change);
        Assert.Equal(opened.IncidentId, grew.IncidentId);
        Assert.Equal(NotifiedState.Open, grew.State);
        Assert.Equal(["web-01", "web-02", "web-03", "web-04"], grew.Hosts);
        Assert.True(grew.Version > opened.Version, $"version {grew.Version} after {opened.Version}");

        var stored = Assert.Single(await _store.ListIncidentsAsync(openOnly: false));
        Assert.Equal(opened.IncidentId, stored.Id);
        Assert.Equal(StoredState.Open, stored.State);
        Assert.Equal(4, stored.Hosts.Count);
        Assert.Equal(grew.Version, stored.Version);
        await _channel.ExpectNoneAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_quiet_period_on_the_virtual_clock_resolves_the_incident_once_through_the_tick()
    {
        await OpenWithThreeHostsAsync();
        var opened = await _channel.NextAsync();
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await AlertAsync("web-04");
        var grew = await _channel.NextAsync();
        var lastEvidence = Clock.Now;

        // One second short of the quiet period nothing happens: the tick finds the incident still active.
        await AdvanceAsync(Correlation.QuietPeriod - TimeSpan.FromSeconds(1));
        Assert.NotNull(await ActiveAsync());
        Assert.Equal(StoredState.Open, Assert.Single(await _store.ListIncidentsAsync(openOnly: false)).State);
        await _channel.ExpectNoneAsync(TimeSpan.FromMilliseconds(100));

        // The tick at the end of the quiet period resolves it, stamped at that instant.
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        var resolved = await _channel.NextAsync();
        Assert.Equal(IncidentChange.Resolved, resolved.Change);
        Assert.Equal(opened.IncidentId, resolved.IncidentId);
        Assert.Equal(NotifiedState.Resolved, resolved.State);
        Assert.Equal(lastEvidence + Correlation.QuietPeriod, resolved.ResolvedAt);
        Assert.True(resolved.Version > grew.Version, $"version {resolved.Version} after {grew.Version}");
        Assert.Null(await ActiveAsync());

        var stored = Assert.Single(await _store.ListIncidentsAsync(openOnly: false));
        Assert.Equal(StoredState.Resolved, stored.State);
        Assert.Equal(lastEvidence + Correlation.QuietPeriod, stored.ResolvedAt);
        Assert.Empty(await _store.ListIncidentsAsync(openOnly: true));

        // Later ticks resolve nothing again.
        await AdvanceAsync(TimeSpan.FromSeconds(10));
        await _channel.ExpectNoneAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal([IncidentChange.Opened, IncidentChange.Grew, IncidentChange.Resolved], _channel.All.Select(n => n.Change));
        Assert.Single(await _store.ListIncidentsAsync(openOnly: false));
    }

    [Fact]
    public async Task One_hosts_alert_storm_within_the_window_opens_an_incident()
    {
        for (var alert = 1; alert < Correlation.StormAlerts; alert++)
        {
            await AlertAsync("db-01");
            await AdvanceAsync(TimeSpan.FromSeconds(1));
        }
        await AssertNoIncidentAsync(); // N - 1 alerts are not a storm

        await AlertAsync("db-01");

        var opened = await _channel.NextAsync();
        Assert.Equal(IncidentChange.Opened, opened.Change);
        Assert.Equal(["alert_storm"], opened.Kinds);
        Assert.Equal(["db-01"], opened.Hosts);
        var stored = Assert.Single(await _store.ListIncidentsAsync(openOnly: false));
        Assert.Equal(opened.IncidentId, stored.Id);
        Assert.Equal(StoredState.Open, stored.State);
        Assert.Equal(Correlation.StormAlerts, stored.AlertCount);
        await _channel.ExpectNoneAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task New_hosts_arriving_while_the_actor_is_busy_grow_the_incident_in_one_change_stored_and_notified_once()
    {
        var hold = _gate.HoldNext();
        try
        {
            await AlertAsync("web-01");
            await AlertAsync("web-02");
            _correlator.Tell(new ObservedAlert("web-03", "cpu-high", "cpu.usage_percent", AlertLevel.Warning, 97, true, Clock.Now));
            await hold.Entered.WaitAsync(Bound); // the opening is being written; what follows queues up
            foreach (var host in Enumerable.Range(4, 20).Select(host => $"web-{host:00}"))
            {
                _correlator.Tell(new ObservedAlert(host, "cpu-high", "cpu.usage_percent", AlertLevel.Warning, 97, true, Clock.Now));
            }
        }
        finally
        {
            hold.Release(); // also on failure: the actor's stop must not wait on a held write
        }

        var opened = await _channel.NextAsync();
        Assert.Equal(IncidentChange.Opened, opened.Change);
        Assert.Equal(["web-01", "web-02", "web-03"], opened.Hosts);
        var grew = await _channel.NextAsync();
        Assert.Equal(IncidentChange.Grew, grew.Change);
        Assert.Equal(opened.IncidentId, grew.IncidentId);
        Assert.Equal(23, grew.Hosts.Count);
        await _channel.ExpectNoneAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(2, _gate.Upserts); // not one write per joining host
        var stored = Assert.Single(await _store.ListIncidentsAsync(openOnly: false));
        Assert.Equal(23, stored.Hosts.Count);
        Assert.Equal(grew.Version, stored.Version);
    }

    [Fact]
    public async Task A_restarted_correlator_reloads_the_open_incident_and_the_window_from_the_store_and_grows_it_instead_of_opening_another()
    {
        await OpenWithThreeHostsAsync();
        var opened = await _channel.NextAsync();

        _correlator.Tell(Kill.Instance); // fails it: its parent restarts it, and it starts from the store
        Assert.Equal(opened.IncidentId, (await ActiveAsync())?.Id); // answered once it has restored
        await FindIncidentsAsync();
        Assert.Equal(opened.IncidentId, (await ActiveAsync())?.Id);

        await AlertAsync("web-04");
        Assert.Equal(4, (await ActiveAsync())!.Hosts.Count);
        var grew = await _channel.NextAsync();
        Assert.Equal((IncidentChange.Grew, opened.IncidentId), (grew.Change, grew.IncidentId));
        Assert.Equal(["web-01", "web-02", "web-03", "web-04"], grew.Hosts);
        Assert.True(grew.Version > opened.Version, $"version {grew.Version} after {opened.Version}");
        Assert.Single(await _store.ListIncidentsAsync(openOnly: false));
        await _channel.ExpectNoneAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_restarted_incidents_actor_reloads_the_stored_versions_so_the_next_change_is_stored_over_the_last()
    {
        await OpenWithThreeHostsAsync();
        var opened = await _channel.NextAsync();

        _incidents.Tell(Kill.Instance); // fails it: the correlator restarts it, and it reads the open incidents again
        await SettleAsync();
        await AlertAsync("web-04");

        var grew = await _channel.NextAsync();
        Assert.Equal((IncidentChange.Grew, opened.IncidentId), (grew.Change, grew.IncidentId));
        var stored = Assert.Single(await _store.ListIncidentsAsync(openOnly: false));
        Assert.Equal((4, grew.Version), (stored.Hosts.Count, stored.Version));
        Assert.True(grew.Version > opened.Version, $"version {grew.Version} after {opened.Version}");
    }

    /// <summary>web-01, web-02 and web-03 alert 5 s apart, within W; returns the instant the third one arrived.</summary>
    private async Task<DateTimeOffset> OpenWithThreeHostsAsync()
    {
        await AlertAsync("web-01");
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await AlertAsync("web-02");
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await AssertNoIncidentAsync();
        await AlertAsync("web-03");
        return Clock.Now;
    }

    /// <summary>A firing alert from <paramref name="host"/>, stamped now on the monitor's (virtual) clock, stored
    /// and then told to the correlator, as the writer and the host actor do.</summary>
    private async Task AlertAsync(string host)
    {
        var sequence = _sequences[host] = _sequences.GetValueOrDefault(host) + 1;
        await _store.AppendAsync([StoredMessage.ForAlert(host, sequence, Clock.Now, Clock.Now,
            new AlertDetails("cpu-high", "cpu.usage_percent", AlertSeverity.Warning, SecureMonitor.Storage.AlertState.Firing, 97, 90, "cpu high"))], _fence);
        _correlator.Tell(new ObservedAlert(host, "cpu-high", "cpu.usage_percent", AlertLevel.Warning, 97, true, Clock.Now));
        await SettleAsync();
    }

    /// <summary>The correlator has restored and handled everything sent to it (it answers the question in
    /// turn), and the incidents actor what the correlator told it.</summary>
    private async Task SettleAsync()
    {
        await ActiveAsync();
        await _incidents.BarrierAsync(Bound);
    }

    /// <summary>Moves the clock a second at a time, letting the actor take each tick at its own virtual second.</summary>
    private async Task AdvanceAsync(TimeSpan span)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += TimeSpan.FromSeconds(1))
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await SettleAsync();
        }
    }

    private async Task<Incident?> ActiveAsync() =>
        (await _correlator.Ask<ActiveIncident>(GetActiveIncident.Instance).WaitAsync(Bound)).Incident;

    /// <summary>
    /// Nothing stored, nothing active, nothing published. The store is written and the dispatcher told
    /// inside the incidents actor's handler, so after the barriers an incident would already show in both.
    /// </summary>
    private async Task AssertNoIncidentAsync()
    {
        Assert.Null(await ActiveAsync());
        Assert.Empty(await _store.ListIncidentsAsync(openOnly: false));
        var status = _notifier.StatusOf(_channel.Name);
        Assert.Equal(0, status.Queued + status.Delivered + status.Dropped + status.Failed);
        Assert.Empty(_channel.All);
    }
}
