using System.Text.Json;
using SecureMonitor.Notifications.Tests.Fakes;
using SecureMonitor.TestKit.Processes;
using Xunit;

namespace SecureMonitor.Notifications.Tests;

/// <summary>Alertmanager API v2: the alert shape (pure), then against a real Alertmanager process.</summary>
public sealed class AlertmanagerChannelTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 3, 0, TimeSpan.Zero);

    private static AlertmanagerChannel Channel(HttpClient http, Uri baseUrl) =>
        new(http, new AlertmanagerChannelOptions { BaseUrl = baseUrl, GeneratorUrl = new Uri("https://console.example/incidents") });

    [Fact]
    public void An_open_incident_becomes_an_alert_that_stays_active_for_four_refresh_intervals()
    {
        using var http = Incidents.LoopbackHttpClient();
        var notification = Incidents.Opened(kinds: ["network_attack", "alert_storm"]);

        var alert = Channel(http, new Uri("http://127.0.0.1:9093")).ToAlert(notification, Now);

        Assert.Equal(new Dictionary<string, string>
        {
            ["alertname"] = "SecureMonitorDoS", ["incident"] = "inc-1", ["severity"] = "warning",
            ["kind"] = "alert_storm,network_attack", ["monitor"] = "monitor-a",
        }, alert.Labels);
        Assert.Equal("DoS suspected: 3 hosts alerting", alert.Annotations["summary"]);
        Assert.Equal("3 hosts raised network alerts within 60 s", alert.Annotations["description"]);
        Assert.Equal("web-1,web-2,db-1", alert.Annotations["hosts"]);
        Assert.Equal("alerts_per_second=12.5, hosts=3", alert.Annotations["metrics"]);
        Assert.Equal("open", alert.Annotations["state"]);
        Assert.Equal("2025-03-01T12:00:00.000Z", alert.StartsAt);
        Assert.Equal("2025-03-01T12:07:00.000Z", alert.EndsAt); // now + 4 x 1 min
        Assert.Equal("https://console.example/incidents", alert.GeneratorUrl);
    }

    [Fact]
    public void A_resolved_incident_becomes_an_alert_ending_when_it_was_resolved_and_never_before_it_started()
    {
        using var http = Incidents.LoopbackHttpClient();
        var channel = Channel(http, new Uri("http://127.0.0.1:9093"));
        var resolved = Incidents.Opened().Resolved(at: Incidents.OpenedAt.AddMinutes(9));

        Assert.Equal("2025-03-01T12:09:00.000Z", channel.ToAlert(resolved, Now).EndsAt);
        Assert.Equal("resolved", channel.ToAlert(resolved, Now).Annotations["state"]);
        var skewed = resolved with { ResolvedAt = Incidents.OpenedAt.AddSeconds(-3) }; // another node's clock
        Assert.Equal("2025-03-01T12:00:00.000Z", channel.ToAlert(skewed, Now).EndsAt);
    }

    [Fact]
    public void Long_host_lists_are_cut_in_the_annotation()
    {
        using var http = Incidents.LoopbackHttpClient();
        var channel = new AlertmanagerChannel(http, new AlertmanagerChannelOptions { BaseUrl = new Uri("http://127.0.0.1:9093"), MaxHostsInAnnotation = 2 });

        Assert.Equal("web-1,web-2 (+1 more)", channel.ToAlert(Incidents.Opened(), Now).Annotations["hosts"]);
    }

    [RequiresToolFact(ExternalTool.AlertmanagerKey)]
    public async Task Alertmanager_shows_an_opened_incident_as_an_active_alert_and_resolves_it()
    {
        await using var alertmanager = await AlertmanagerProcess.StartAsync();
        using var http = Incidents.LoopbackHttpClient();
        var dispatcher = new NotificationDispatcher([Channel(http, alertmanager.BaseUrl)]);
        var outcomes = new OutcomeRecorder(dispatcher);
        var openedAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        var opened = Incidents.Opened("inc-am-1", openedAt: openedAt, severity: "critical");
        var other = Incidents.Opened("inc-am-2", openedAt: openedAt);
        try
        {
            dispatcher.Publish(opened);
            dispatcher.Publish(other);
            Assert.Equal(DeliveryResult.Delivered, (await outcomes.NextAsync()).Result);
            Assert.Equal(DeliveryResult.Delivered, (await outcomes.NextAsync()).Result);

            var alerts = await ActiveAlertsAsync(alertmanager);
            var alert = alerts.Single(a => a.GetProperty("labels").GetProperty("incident").GetString() == "inc-am-1");
            var labels = alert.GetProperty("labels");
            Assert.Equal("SecureMonitorDoS", labels.GetProperty("alertname").GetString());
            Assert.Equal("critical", labels.GetProperty("severity").GetString());
            Assert.Equal("distributed_alerts", labels.GetProperty("kind").GetString());
            Assert.Equal("monitor-a", labels.GetProperty("monitor").GetString());
            var annotations = alert.GetProperty("annotations");
            Assert.Equal("DoS suspected: 3 hosts alerting", annotations.GetProperty("summary").GetString());
            Assert.Equal("web-1,web-2,db-1", annotations.GetProperty("hosts").GetString());
            Assert.Equal("alerts_per_second=12.5, hosts=3", annotations.GetProperty("metrics").GetString());
            Assert.Equal("active", alert.GetProperty("status").GetProperty("state").GetString());
            Assert.Equal(openedAt.ToUnixTimeSeconds(), alert.GetProperty("startsAt").GetDateTimeOffset().ToUnixTimeSeconds());
            Assert.True(alert.GetProperty("endsAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(3),
                "an open incident stays active beyond resolve_timeout until the next refresh");

            dispatcher.Publish(opened.Resolved(at: DateTimeOffset.UtcNow));
            Assert.Equal(DeliveryResult.Delivered, (await outcomes.NextAsync()).Result);

            // API v2 lists only alerts whose endsAt has not passed: the resolved one is gone, the other stays.
            var after = await ActiveAlertsAsync(alertmanager);
            Assert.Equal(["inc-am-2"], after.Select(a => a.GetProperty("labels").GetProperty("incident").GetString()));
        }
        finally
        {
            await dispatcher.DisposeAsync();
        }
    }

    [RequiresToolFact(ExternalTool.AlertmanagerKey)]
    public async Task Alertmanager_keeps_one_alert_per_incident_when_its_severity_and_kinds_change()
    {
        await using var alertmanager = await AlertmanagerProcess.StartAsync();
        using var http = Incidents.LoopbackHttpClient();
        var channel = Channel(http, alertmanager.BaseUrl);
        var opened = Incidents.Opened("inc-am-3", openedAt: DateTimeOffset.UtcNow.AddMinutes(-1));

        await channel.SendAsync(opened, CancellationToken.None).WaitAsync(Bounds.Wait);
        await channel.SendAsync(opened.Grew("critical", "network_attack"), CancellationToken.None).WaitAsync(Bounds.Wait);

        var alert = Assert.Single(await ActiveAlertsAsync(alertmanager));
        Assert.Equal("critical", alert.GetProperty("labels").GetProperty("severity").GetString());
        Assert.Equal("distributed_alerts,network_attack", alert.GetProperty("labels").GetProperty("kind").GetString());
        Assert.Equal("web-1,web-2,db-1,web-3", alert.GetProperty("annotations").GetProperty("hosts").GetString());
    }

    [RequiresToolFact(ExternalTool.AlertmanagerKey)]
    public async Task An_alertmanager_url_that_answers_404_is_a_permanent_failure_not_retried()
    {
        await using var alertmanager = await AlertmanagerProcess.StartAsync();
        using var http = Incidents.LoopbackHttpClient();
        var wrongBase = new AlertmanagerChannel(http, new AlertmanagerChannelOptions { BaseUrl = new Uri(alertmanager.BaseUrl, "/not-the-api/") });

        var failure = await Record.ExceptionAsync(() => wrongBase.SendAsync(Incidents.Opened(), CancellationToken.None).WaitAsync(Bounds.Wait));

        Assert.IsType<NotificationRejectedException>(failure);
        Assert.Contains("HTTP 404", failure.Message);
    }

    /// <summary>GET /api/v2/alerts: every alert Alertmanager considers current (silenced and inhibited included).</summary>
    private static async Task<IReadOnlyList<JsonElement>> ActiveAlertsAsync(AlertmanagerProcess alertmanager) =>
        await alertmanager.GetAlertsAsync().WaitAsync(Bounds.Wait);
}
