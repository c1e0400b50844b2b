using System.Text.Json.Nodes;
using Google.Protobuf;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Tests.Actors;
using SecureMonitor.Storage;
using SecureMonitor.Transport;
using NotifiedChange = SecureMonitor.Notifications.IncidentChange;

namespace SecureMonitor.Monitor.Tests.Security;

/// <summary>
/// What the monitor sees for itself becomes stored alerts, like a watcher's: tampering suspected (bad or
/// replayed envelopes past the threshold) and a watcher's spool dropping messages. Over real TLS, into the
/// store, the admin console (<c>alerts</c>, <c>tail</c>), incidents and notifications; and the refusal
/// counters survive a restart.
/// </summary>
public sealed class SecurityAlertTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    private static readonly TimeSpan Bound = Eventually.DefaultWithin;

    [Fact]
    public async Task Tampering_past_the_threshold_is_a_stored_alert_shown_by_alerts_and_tail_and_opens_a_notified_incident()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var notified = new RecordingChannel();
        var monitor = await StartMonitorAsync(pki, new MonitorHarnessOptions
        {
            Time = pki.Time,
            TamperThreshold = 4,
            TamperWindow = TimeSpan.FromMinutes(5),
            ExtraChannels = [notified],
        });
        await using var console = await monitor.ConnectAsync(pki.LoadAdmin());
        var opened = await monitor.RunAdminCommandAsync(console, "tail");
        Assert.True(opened.AdminResponse is { Ok: true, More: true }, TestWatcherConnection.Describe(opened));
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");

        for (var bad = 0; bad < 4; bad++)
        {
            Assert.Equal(RejectionReason.BadHmac, await SendWithBrokenMacAsync(watcher));
        }

        var stored = await StoredAlertAsync(monitor, CorrelationOptions.TamperingMetric);
        Assert.Equal(("web-01", 0UL, AlertOrigin.Monitor, AlertSeverity.Critical, 4.0), (stored.HostId, stored.Sequence, stored.Origin, stored.Alert.Severity, stored.Alert.Value));
        Assert.Contains("bad_hmac=4", stored.Alert.Summary);

        // The console's `alerts` lists it, newest first, as the monitor's own.
        await using var reader = await monitor.ConnectAsync(pki.LoadAdmin());
        var listed = JsonNode.Parse((await monitor.RunAdminCommandAsync(reader, "alerts")).AdminResponse.ResultJson)!["alerts"]![0]!;
        Assert.Equal((CorrelationOptions.TamperingMetric, "web-01", "monitor", "critical"),
            ((string?)listed["metric"], (string?)listed["host"], (string?)listed["origin"], (string?)listed["severity"]));

        // `tail` streams the alert and the incident it opened.
        var feed = await ReadFeedUntilAsync(console, items => items.Any(item => (string?)item["type"] == "incident"));
        var alert = Assert.Single(feed, item => (string?)item["type"] == "alert");
        Assert.Equal((CorrelationOptions.TamperingMetric, "web-01", "monitor"), ((string?)alert["metric"], (string?)alert["host"], (string?)alert["origin"]));

        // An attack signal: one incident, stored and notified, naming the host.
        var notification = await notified.NextAsync(Bound);
        Assert.Equal(NotifiedChange.Opened, notification.Change);
        Assert.Equal(["web-01"], notification.Hosts);
        var incident = Assert.Single(await monitor.Node.Store.ListIncidentsAsync(openOnly: true));
        Assert.Contains(CorrelationOptions.TamperingMetric, incident.Metrics);
        Assert.Equal(notification.IncidentId, incident.Id);
    }

    [Fact]
    public async Task Replays_count_toward_tampering()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var monitor = await StartMonitorAsync(pki, new MonitorHarnessOptions { Time = pki.Time, TamperThreshold = 3, TamperWindow = TimeSpan.FromMinutes(5) });
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");
        var envelope = watcher.Seal(TestWatcherConnection.SampleAlert());
        TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(envelope), AckStatus.Accepted);

        for (var replay = 0; replay < 3; replay++)
        {
            TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(envelope), AckStatus.Duplicate);
        }

        var stored = await StoredAlertAsync(monitor, CorrelationOptions.TamperingMetric);
        Assert.Equal("web-01", stored.HostId);
        Assert.Contains("replay=3", stored.Alert.Summary);
        Assert.Equal(1, monitor.Sink.AcceptedCount("web-01")); // still processed once
    }

    [Fact]
    public async Task Refusal_counts_survive_a_restart_of_the_monitor()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var data = Directory.CreateTempSubdirectory("sm-monitor-data-").FullName;
        try
        {
            await using (var monitor = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions { Time = pki.Time, DataDirectory = data }))
            await using (var watcher = await monitor.ConnectWatcherAsync("web-01"))
            {
                for (var bad = 0; bad < 3; bad++)
                {
                    Assert.Equal(RejectionReason.BadHmac, await SendWithBrokenMacAsync(watcher));
                }
                Assert.Equal(3, monitor.RejectionCount("web-01", RejectionReason.BadHmac));
            }

            await using var restarted = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions { Time = pki.Time, DataDirectory = data });
            Assert.Equal(3, restarted.RejectionCount("web-01", RejectionReason.BadHmac));
            await using (var watcher = await restarted.ConnectWatcherAsync("web-01"))
            {
                await SendWithBrokenMacAsync(watcher);
            }
            Assert.Equal(4, restarted.RejectionCount("web-01", RejectionReason.BadHmac));
            await using var console = await restarted.ConnectAsync(pki.LoadAdmin());
            var status = JsonNode.Parse((await restarted.RunAdminCommandAsync(console, "status")).AdminResponse.ResultJson)!;
            var counted = Assert.Single(status["rejections"]!.AsArray(), row => (string?)row!["host"] == "web-01" && (string?)row["reason"] == "bad_hmac")!;
            Assert.Equal(4, (long)counted["count"]!);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_heartbeat_reporting_spool_drops_raises_one_stored_alert_per_episode_not_one_per_heartbeat()
    {
        var monitor = await StartMonitorWithWatchersAsync("web-01");
        await using var watcher = await monitor.ConnectWatcherAsync("web-01");

        // 0: nothing yet; 3: drops begin (alert); 5: the same episode; 5: it ended; 9: a new one (alert).
        foreach (var dropped in new ulong[] { 0, 3, 5, 5, 9 })
        {
            TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(watcher.Seal(Heartbeat(dropped))), AckStatus.Accepted);
        }

        await Eventually.WaitUntilAsync(async () => (await SpoolAlertsAsync(monitor)).Any(alert => alert.Alert.Value == 9),
            () => "no alert for the second episode of spool drops", Bound);
        var alerts = await SpoolAlertsAsync(monitor);
        Assert.Equal([9.0, 3.0], alerts.Select(alert => alert.Alert.Value));
        Assert.All(alerts, alert => Assert.Equal(("web-01", AlertOrigin.Monitor, AlertSeverity.Warning), (alert.HostId, alert.Origin, alert.Alert.Severity)));
        Assert.Contains("4 more message(s) refused", alerts[0].Alert.Summary);
    }

    [Fact]
    public async Task A_restarted_monitor_does_not_report_again_the_spool_drops_it_reported_before()
    {
        var pki = NewPki(watchers: ["web-01"]);
        var data = Directory.CreateTempSubdirectory("sm-monitor-data-").FullName;
        try
        {
            await using (var monitor = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions { Time = pki.Time, DataDirectory = data }))
            await using (var watcher = await monitor.ConnectWatcherAsync("web-01"))
            {
                TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(watcher.Seal(Heartbeat(5))), AckStatus.Accepted);
                await Eventually.WaitUntilAsync(async () => (await SpoolAlertsAsync(monitor)).Count == 1, () => "no spool alert", Bound);
            }

            await using var restarted = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions { Time = pki.Time, DataDirectory = data });
            await using var again = await restarted.ConnectWatcherAsync("web-01");
            // The same count again (the watcher still runs): reported already. Then one more drop: news.
            TestWatcherConnection.ExpectAck(await again.SendEnvelopeAsync(again.Seal(Heartbeat(5))), AckStatus.Accepted);
            TestWatcherConnection.ExpectAck(await again.SendEnvelopeAsync(again.Seal(Heartbeat(6))), AckStatus.Accepted);

            await Eventually.WaitUntilAsync(async () => (await SpoolAlertsAsync(restarted)).Any(alert => alert.Alert.Value == 6),
                () => "no alert for the new drop", Bound);
            Assert.Equal([6.0, 5.0], (await SpoolAlertsAsync(restarted)).Select(alert => alert.Alert.Value));
            Assert.Contains("1 more message(s) refused", (await SpoolAlertsAsync(restarted))[0].Alert.Summary);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<IReadOnlyList<AlertRecord>> SpoolAlertsAsync(MonitorHarness monitor) =>
        [.. (await monitor.Node.Store.ListAlertsAsync(new AlertQuery { Host = "web-01" })).Where(alert => alert.Alert.Metric == HostActor.SpoolDroppedMetric)];

    private static WatcherMessage Heartbeat(ulong spoolDropped) => new()
    {
        Heartbeat = new Heartbeat { UptimeMs = 1_000, SpoolDepth = 10, SpoolDropped = spoolDropped },
    };

    private static async Task<AlertRecord> StoredAlertAsync(MonitorHarness monitor, string metric)
    {
        AlertRecord? found = null;
        await Eventually.WaitUntilAsync(async () =>
            {
                found = (await monitor.Node.Store.ListAlertsAsync(new AlertQuery())).SingleOrDefault(alert => alert.Alert.Metric == metric);
                return found is not null;
            },
            () => $"no stored alert {metric}", Bound);
        return found!;
    }

    /// <summary>Items of the console's live feed, read until <paramref name="enough"/> holds (bounded).</summary>
    private static async Task<List<JsonNode>> ReadFeedUntilAsync(FramedConnection console, Func<List<JsonNode>, bool> enough)
    {
        using var deadline = new CancellationTokenSource(Bound);
        var items = new List<JsonNode>();
        while (!enough(items))
        {
            var read = await console.ReadAsync(deadline.Token);
            Assert.True(read.IsFrame, $"the feed ended: {read}");
            items.Add(JsonNode.Parse(read.Frame!.AdminResponse.ResultJson)!);
        }
        return items;
    }

    private static async Task<RejectionReason> SendWithBrokenMacAsync(TestWatcherConnection watcher)
    {
        var envelope = watcher.Seal(TestWatcherConnection.SampleAlert());
        var mac = envelope.Mac.ToByteArray();
        mac[^1] ^= 0x01;
        envelope.Mac = ByteString.CopyFrom(mac);
        return TestWatcherConnection.ExpectRejection(await watcher.SendEnvelopeAsync(envelope));
    }
}
