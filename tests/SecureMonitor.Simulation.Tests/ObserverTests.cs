using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Protocol;
using SecureMonitor.Simulation.Observation;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit.Processes;
using Xunit;

namespace SecureMonitor.Simulation.Tests;

public sealed class ObserverTests
{
    private static string Notification(string id, string change, string[] hosts, string metric, double value, int version) => $$"""
        {"incidentId":"{{id}}","change":"{{change}}","state":"open","kinds":["network_attack"],"title":"Possible DoS","summary":"s",
         "severity":"critical","hosts":[{{string.Join(",", hosts.Select(host => $"\"{host}\""))}}],"metrics":{"{{metric}}":{{value}}},
         "openedAt":"2030-01-01T00:00:00+00:00","changedAt":"2030-01-01T00:00:0{{version}}+00:00","monitorNode":"m1","version":{{version}}}
        """;

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, Uri url, string body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await http.SendAsync(request, deadline.Token);
        return response.StatusCode;
    }

    [Fact]
    public async Task The_webhook_receiver_merges_an_incidents_notifications_and_ignores_requests_without_the_token()
    {
        var token = WebhookIncidentReceiver.NewToken();
        await using var receiver = WebhookIncidentReceiver.Start(token: token);
        using var http = LoopbackPort.HttpClient();

        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(http, receiver.Url, Notification("INC-1", "opened", ["a"], "tcp.syn_recv", 300, 1), token));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(http, receiver.Url, Notification("INC-1", "grew", ["a", "b"], "tcp.syn_recv", 900, 2), token));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, receiver.Url, Notification("INC-2", "opened", ["x"], "cpu.total", 99, 1), "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, receiver.Url, Notification("INC-3", "opened", ["y"], "cpu.total", 99, 1), null));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(http, receiver.Url, "{not json", token));

        var incidents = await receiver.IncidentsAsync(CancellationToken.None);
        var incident = Assert.Single(incidents.Value!);
        Assert.Equal("INC-1", incident.Id);
        Assert.Equal(["opened", "grew"], incident.Changes);
        Assert.Equal(["a", "b"], incident.Hosts.Order());
        Assert.Equal(900, incident.Metrics["tcp.syn_recv"]);
        Assert.Equal(3, receiver.Refused);
    }

    [Fact]
    public void The_webhook_receiver_listens_on_loopback_only()
    {
        Assert.Throws<ArgumentException>(() => WebhookIncidentReceiver.Start(new IPEndPoint(IPAddress.Any, 0)));
    }

    [Fact]
    public async Task The_log_observer_reads_the_monitors_own_tampering_alert_line()
    {
        var logs = new LogCapture();
        var sink = new LoggingSecurityAlertSink(logs.CreateLogger<LoggingSecurityAlertSink>());
        sink.TamperingSuspected(new TamperingSuspected("sim-abc-001", 5, TimeSpan.FromSeconds(60), DateTimeOffset.UtcNow,
            new Dictionary<RejectionReason, int> { [RejectionReason.BadTag] = 3, [RejectionReason.BadHmac] = 2 }));
        var observer = new MonitorLogObserver();

        foreach (var line in logs.Lines)
        {
            observer.Observe($"2030-01-01T00:00:00.000Z crit: SecureMonitor.Monitor.Security.LoggingSecurityAlertSink[0] {line.Message}");
        }
        observer.Observe("Host sim-abc-002 liveness Unreachable -> Down (silent 30 s, phi 12.5)");
        observer.Observe("an unrelated line");

        var alert = Assert.Single((await observer.SecurityAlertsAsync(CancellationToken.None)).Value!);
        Assert.Equal("sim-abc-001", alert.Host);
        Assert.Contains("5 integrity failures", alert.Detail);
        var change = Assert.Single((await observer.HostStatesAsync(CancellationToken.None)).Value!);
        Assert.Equal(("sim-abc-002", "Unreachable", "Down"), (change.Host, change.From, change.To));
        Assert.False((await observer.IncidentsAsync(CancellationToken.None)).Observed);
    }
}
