using Akka.Actor;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Monitor.Hosts;
using SecureMonitor.Monitor.Incidents;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Storage;
using SecureMonitor.TestKit.Monitors;
using StoredIncidentState = SecureMonitor.Storage.IncidentState;

namespace SecureMonitor.Monitor.Tests.Node;

/// <summary>
/// The node with its embedded store, over real TLS: verified alerts are stored before they are
/// acknowledged, alerts from enough hosts open one incident, and a restart on the same data
/// directory loses neither.
/// </summary>
public sealed class MonitorStoreAndIncidentTests(ITestOutputHelper output) : MonitorTestBase(output)
{
    private static readonly CorrelationOptions ThreeHosts = new()
    {
        MinHosts = 3,
        Window = TimeSpan.FromSeconds(30),
        QuietPeriod = TimeSpan.FromMinutes(10),
    };

    [Fact]
    public async Task Alerts_from_three_hosts_open_one_incident_and_a_restart_loses_no_acknowledged_alert_nor_the_open_incident()
    {
        var pki = NewPki(["web-01", "web-02", "web-03", "web-04"]);
        var data = Directory.CreateTempSubdirectory("sm-monitor-data-").FullName;
        try
        {
            await using (var monitor = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions { DataDirectory = data, Correlation = ThreeHosts }))
            {
                foreach (var host in new[] { "web-01", "web-02" })
                {
                    await using var watcher = await monitor.ConnectWatcherAsync(host);
                    await watcher.SendAlertAsync();
                }
                Assert.Null((await ActiveIncidentAsync(monitor)).Incident); // two hosts are not an episode

                foreach (var host in new[] { "web-03", "web-04" })
                {
                    await using var watcher = await monitor.ConnectWatcherAsync(host);
                    await watcher.SendAlertAsync();
                }
                var incident = await WaitForIncidentAsync(monitor, hosts: 4);

                // The correlator's incidents actor stores what the correlator found a moment later.
                await Eventually.WaitUntilAsync(
                    () => monitor.Node.Store.ListIncidentsAsync(openOnly: true).GetAwaiter().GetResult() is [{ Hosts.Count: 4 }],
                    () => "the open incident with 4 hosts in the store");
                var open = Assert.Single(await monitor.Node.Store.ListIncidentsAsync(openOnly: true));
                Assert.Equal(incident.Id, open.Id);
                Assert.Equal(4, (await monitor.Node.Store.ListAlertsAsync(new AlertQuery { Limit = 100 })).Count);
                var hosts = await monitor.Node.Hosts.Ask<HostStates>(GetHostStates.Instance, TimeSpan.FromSeconds(5));
                Assert.Equal(4, hosts.Hosts.Count);
            }

            await using (var restarted = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions { DataDirectory = data, Correlation = ThreeHosts }))
            {
                Assert.Equal(4, (await restarted.Node.Store.ListAlertsAsync(new AlertQuery { Limit = 100 })).Count);
                var stillOpen = Assert.Single(await restarted.Node.Store.ListIncidentsAsync(openOnly: true));
                Assert.Equal(StoredIncidentState.Open, stillOpen.State);

                // The episode goes on: a fifth alert joins the same incident instead of opening another.
                await using (var watcher = await restarted.ConnectWatcherAsync("web-01"))
                {
                    Assert.Equal(1UL, watcher.ResumedAfter); // the high-water mark survived
                    await watcher.SendAlertAsync();
                }
                var continued = await WaitForIncidentAsync(restarted, hosts: 4, alerts: 5);
                Assert.Equal(stillOpen.Id, continued.Id);
                Assert.Single(await restarted.Node.Store.ListIncidentsAsync(openOnly: false));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_replayed_alert_after_a_restart_is_a_duplicate_and_is_stored_once()
    {
        var pki = NewPki(["web-01"]);
        var data = Directory.CreateTempSubdirectory("sm-monitor-data-").FullName;
        try
        {
            SealedEnvelope replay;
            await using (var monitor = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions { DataDirectory = data }))
            await using (var watcher = await monitor.ConnectWatcherAsync("web-01"))
            {
                replay = watcher.Seal(TestWatcherConnection.SampleAlert());
                TestWatcherConnection.ExpectAck(await watcher.SendEnvelopeAsync(replay), AckStatus.Accepted);
            }

            await using var restarted = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions { DataDirectory = data });
            await using var again = await restarted.ConnectWatcherAsync("web-01");
            TestWatcherConnection.ExpectAck(await again.SendEnvelopeAsync(replay), AckStatus.Duplicate);
            Assert.Single(await restarted.Node.Store.ListAlertsAsync(new AlertQuery { Limit = 10 }));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static Task<ActiveIncident> ActiveIncidentAsync(MonitorHarness monitor) =>
        monitor.Node.Correlator.Ask<ActiveIncident>(GetActiveIncident.Instance, TimeSpan.FromSeconds(5));

    private static async Task<Incident> WaitForIncidentAsync(MonitorHarness monitor, int hosts, int? alerts = null)
    {
        Incident? found = null;
        await Eventually.WaitUntilAsync(() =>
        {
            found = ActiveIncidentAsync(monitor).GetAwaiter().GetResult().Incident;
            return found is not null && found.Hosts.Count >= hosts && (alerts is null || found.AlertCount >= alerts);
        }, () => $"an incident with {hosts} hosts; have {found?.Hosts.Count.ToString() ?? "none"}");
        return found!;
    }
}
