namespace SecureMonitor.Admin.Tests;

/// <summary><c>tail</c>: the live feed of alerts and incident changes.</summary>
public sealed class TailTests(ITestOutputHelper output) : AdminTestBase(output)
{
    [Fact]
    public async Task Tail_receives_the_alerts_and_the_incident_as_it_opens_until_stopped()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01", "web-02", "web-03"]));
        var admin = Admin(monitor);
        using var stop = new CancellationTokenSource();
        using var deadline = new CancellationTokenSource(Within);
        var seen = new List<JsonObject>();

        await foreach (var item in admin.StreamAsync("tail", [], stop.Token, deadline.Token))
        {
            Assert.True(item.Reply.Ok, item.Reply.Error);
            var json = Assert.IsType<JsonObject>(JsonNode.Parse(item.Reply.Json));
            seen.Add(json);
            switch (json.Text("type"))
            {
                case "started":
                    Assert.True(item.Reply.More);
                    // The console is subscribed: now three hosts alert, which opens an incident (K = 3).
                    await SendAlertsAsync(monitor, "web-01", "web-02", "web-03");
                    break;
                case "incident":
                    Assert.Equal(("opened", "open"), (json.Text("change"), json.Text("state")));
                    Assert.Equal(["web-01", "web-02", "web-03"], json.Array("hosts").Select(host => (string?)host));
                    await stop.CancelAsync();
                    break;
                case "end":
                    Assert.False(item.Reply.More);
                    break;
            }
        }

        Assert.Equal(["started", "alert", "alert", "alert", "incident", "end"], seen.Select(item => item.Text("type")));
        Assert.Equal(["web-01", "web-02", "web-03"], seen.Where(item => item.Text("type") == "alert").Select(item => item.Text("host")));
        Assert.Equal((4, 0), ((int)seen[^1]["delivered"]!, (int)seen[^1]["dropped"]!));
        Assert.Equal(0, (int)(await OkAsync(admin, "status"))["tailSubscribers"]!); // the feed let go of the console
    }

    [Fact]
    public async Task An_acknowledgement_made_from_another_console_shows_in_the_tail()
    {
        var monitor = await StartMonitorAsync(NewPki(watchers: ["web-01", "web-02", "web-03"]));
        var watching = Admin(monitor);
        var acting = Admin(monitor);
        await SendAlertsAsync(monitor, "web-01", "web-02", "web-03");
        var id = (await UntilAsync(acting, result => result.Array("incidents").Count == 1, "an open incident", "incidents", "--open"))
            .Objects("incidents")[0].Text("id")!;
        using var stop = new CancellationTokenSource();
        using var deadline = new CancellationTokenSource(Within);
        JsonObject? acknowledged = null;

        await foreach (var item in watching.StreamAsync("tail", [], stop.Token, deadline.Token))
        {
            var json = Assert.IsType<JsonObject>(JsonNode.Parse(item.Reply.Json));
            if (json.Text("type") == "started")
            {
                await OkAsync(acting, "incident.ack", id, "--note", "on it");
            }
            else if (json.Text("type") == "incident")
            {
                acknowledged = json;
                await stop.CancelAsync();
            }
        }

        Assert.NotNull(acknowledged);
        Assert.Equal((id, "acknowledged", "on it"), (acknowledged.Text("id"), acknowledged.Text("change"), acknowledged.Text("note")));
    }
}
