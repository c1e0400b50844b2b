using System.Text.Json;
using Microsoft.Extensions.Logging;
using SecureMonitor.Notifications.Tests.Fakes;
using Xunit;

namespace SecureMonitor.Notifications.Tests;

/// <summary>The webhook, end to end through the dispatcher, against a real HTTP server on loopback.</summary>
public sealed class WebhookChannelTests
{
    private static readonly NotificationDispatcherOptions FastRetries = new() { MaxAttempts = 3 };

    [Fact]
    public async Task Webhook_delivers_a_change_once_as_json()
    {
        await using var server = new TestHttpServer();
        using var http = Incidents.LoopbackHttpClient();
        var dispatcher = new NotificationDispatcher([new WebhookChannel(http, new WebhookChannelOptions { Url = server.Url })]);
        var outcomes = new OutcomeRecorder(dispatcher);

        Assert.True(dispatcher.Publish(Incidents.Opened("inc-42", version: 7)));

        var outcome = await outcomes.NextAsync();
        Assert.Equal(new DeliveryOutcome("webhook", "inc-42", 7, false, DeliveryResult.Delivered, 1), outcome);
        await dispatcher.DisposeAsync();

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/incidents", request.Path);
        Assert.Equal("application/json", request.ContentType);
        Assert.Null(request.Authorization);
        Assert.Equal("inc-42:7", request.IdempotencyKey);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal("inc-42", root.GetProperty("incidentId").GetString());
        Assert.Equal("opened", root.GetProperty("change").GetString());
        Assert.Equal("open", root.GetProperty("state").GetString());
        Assert.Equal("warning", root.GetProperty("severity").GetString());
        Assert.Equal(7, root.GetProperty("version").GetInt64());
        Assert.Equal("monitor-a", root.GetProperty("monitorNode").GetString());
        Assert.Equal(["distributed_alerts"], root.GetProperty("kinds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["web-1", "web-2", "db-1"], root.GetProperty("hosts").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(12.5, root.GetProperty("metrics").GetProperty("alerts_per_second").GetDouble());
        Assert.Equal(Incidents.OpenedAt, root.GetProperty("openedAt").GetDateTimeOffset());
        Assert.False(root.TryGetProperty("resolvedAt", out _));
        Assert.Equal(new ChannelStatus("webhook", 0, 1, 0, 0, 0), dispatcher.StatusOf("webhook"));
    }

    [Fact]
    public async Task Webhook_retries_a_503_after_a_backoff_on_the_injected_clock_and_delivers_once()
    {
        await using var server = TestHttpServer.Answering(503);
        using var http = Incidents.LoopbackHttpClient();
        var time = new FakeTimeProvider();
        var dispatcher = new NotificationDispatcher(
            [new WebhookChannel(http, new WebhookChannelOptions { Url = server.Url })], FastRetries, time);
        var outcomes = new OutcomeRecorder(dispatcher);

        dispatcher.Publish(Incidents.Opened());
        await server.NextRequestAsync(Bounds.Wait);
        await time.WaitForArmedTimersAsync(1, Bounds.Wait); // the backoff wait, on virtual time
        Assert.Equal(0, dispatcher.StatusOf("webhook").Delivered);

        time.Advance(FastRetries.MaxBackoff);

        var outcome = await outcomes.NextAsync();
        Assert.Equal(DeliveryResult.Delivered, outcome.Result);
        Assert.Equal(2, outcome.Attempts);
        await dispatcher.DisposeAsync();
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(new ChannelStatus("webhook", 0, 1, 1, 0, 0), dispatcher.StatusOf("webhook"));
    }

    [Fact]
    public async Task Webhook_drops_a_notification_refused_with_400_without_retrying()
    {
        await using var server = TestHttpServer.Answering(400);
        using var http = Incidents.LoopbackHttpClient();
        var time = new FakeTimeProvider();
        var logs = new CapturedLogs();
        var dispatcher = new NotificationDispatcher([new WebhookChannel(http, new WebhookChannelOptions { Url = server.Url })],
            FastRetries, time, logs.CreateLogger<NotificationDispatcher>());
        var outcomes = new OutcomeRecorder(dispatcher);

        dispatcher.Publish(Incidents.Opened());

        var outcome = await outcomes.NextAsync();
        Assert.Equal(DeliveryResult.Rejected, outcome.Result);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(0, time.ArmedTimers); // no retry scheduled
        await dispatcher.DisposeAsync();
        Assert.Single(server.Requests);
        Assert.Equal(new ChannelStatus("webhook", 0, 0, 0, 0, 1), dispatcher.StatusOf("webhook"));
        var refusal = Assert.Single(logs.Entries, e => e.EventId.Id == 4115);
        Assert.Contains("HTTP 400", refusal.Message);
        Assert.Equal(LogLevel.Error, refusal.Level);
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_notifications_and_logs_once_per_burst()
    {
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new TestHttpServer(_ => release.Task);
        using var http = Incidents.LoopbackHttpClient();
        var logs = new CapturedLogs();
        var dispatcher = new NotificationDispatcher([new WebhookChannel(http, new WebhookChannelOptions { Url = server.Url })],
            new NotificationDispatcherOptions { QueueCapacity = 1 }, log: logs.CreateLogger<NotificationDispatcher>());
        var outcomes = new OutcomeRecorder(dispatcher);
        try
        {
            dispatcher.Publish(Incidents.Opened("inc-1"));
            await server.NextRequestAsync(Bounds.Wait); // inc-1 is in flight, held by the server
            dispatcher.Publish(Incidents.Opened("inc-2")); // fills the queue
            dispatcher.Publish(Incidents.Opened("inc-3")); // dropped
            dispatcher.Publish(Incidents.Opened("inc-4")); // dropped, same burst

            Assert.Equal(new DeliveryOutcome("webhook", "inc-3", 1, false, DeliveryResult.Dropped, 0), await outcomes.NextAsync());
            Assert.Equal(new DeliveryOutcome("webhook", "inc-4", 1, false, DeliveryResult.Dropped, 0), await outcomes.NextAsync());
            Assert.Equal(new ChannelStatus("webhook", 1, 0, 0, 2, 0), dispatcher.StatusOf("webhook"));
        }
        finally
        {
            release.TrySetResult(200);
        }

        Assert.Equal(("inc-1", DeliveryResult.Delivered), Summary(await outcomes.NextAsync()));
        Assert.Equal(("inc-2", DeliveryResult.Delivered), Summary(await outcomes.NextAsync()));
        dispatcher.Publish(Incidents.Opened("inc-5")); // accepted again: the burst is over
        Assert.Equal(("inc-5", DeliveryResult.Delivered), Summary(await outcomes.NextAsync()));
        await dispatcher.DisposeAsync();

        Assert.Equal(["inc-1", "inc-2", "inc-5"], server.Requests.Select(r => r.IdempotencyKey!.Split(':')[0]));
        Assert.Equal(new ChannelStatus("webhook", 0, 3, 0, 2, 0), dispatcher.StatusOf("webhook"));
        var full = Assert.Single(logs.Entries, e => e.EventId.Id == 4111);
        Assert.Equal("inc-3", full["IncidentId"]);
        Assert.Single(logs.Entries, e => e.EventId.Id == 4112);
    }

    [Fact]
    public async Task Publishing_the_same_incident_version_twice_sends_it_once()
    {
        await using var server = new TestHttpServer();
        using var http = Incidents.LoopbackHttpClient();
        var dispatcher = new NotificationDispatcher([new WebhookChannel(http, new WebhookChannelOptions { Url = server.Url })]);
        var outcomes = new OutcomeRecorder(dispatcher);
        var opened = Incidents.Opened(version: 1);
        var grew = opened.Grew("critical", "alert_storm");

        Assert.True(dispatcher.Publish(opened));
        Assert.False(dispatcher.Publish(opened));
        Assert.True(dispatcher.Publish(grew));
        Assert.False(dispatcher.Publish(grew with { }));
        Assert.False(dispatcher.Publish(opened)); // late: an older version after a newer one

        Assert.Equal(1, (await outcomes.NextAsync()).Version);
        Assert.Equal(2, (await outcomes.NextAsync()).Version);
        await dispatcher.DisposeAsync();
        Assert.Equal(["inc-1:1", "inc-1:2"], server.Requests.Select(r => r.IdempotencyKey));
        Assert.Equal(3, dispatcher.Duplicates);
        Assert.Equal(2, dispatcher.StatusOf("webhook").Delivered);
    }

    [Fact]
    public async Task The_bearer_token_is_sent_as_authorization_and_never_appears_in_logs()
    {
        const string token = "tok-3f9c1e7a-never-log-me";
        await using var server = TestHttpServer.Answering(503, 400);
        using var http = Incidents.LoopbackHttpClient();
        var time = new FakeTimeProvider();
        var logs = new CapturedLogs();
        var options = new WebhookChannelOptions { Url = server.Url, BearerToken = token };
        var dispatcher = new NotificationDispatcher(
            [new WebhookChannel(http, options), new LogNotificationChannel(logs.CreateLogger<LogNotificationChannel>())],
            FastRetries, time, logs.CreateLogger<NotificationDispatcher>());
        var outcomes = new OutcomeRecorder(dispatcher);

        dispatcher.Publish(Incidents.Opened());
        await server.NextRequestAsync(Bounds.Wait);
        await time.WaitForArmedTimersAsync(1, Bounds.Wait);
        time.Advance(FastRetries.MaxBackoff);
        var outcomesSeen = new[] { await outcomes.NextAsync(), await outcomes.NextAsync() };
        await dispatcher.DisposeAsync();

        Assert.Contains(outcomesSeen, o => o is { Channel: "webhook", Result: DeliveryResult.Rejected, Attempts: 2 });
        Assert.All(server.Requests, r => Assert.Equal($"Bearer {token}", r.Authorization));
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 4113); // the retry was logged ...
        Assert.Contains(logs.Entries, e => e.EventId.Id == 4115); // ... and the refusal ...
        Assert.All(logs.Entries, e => Assert.DoesNotContain(token, e.AllText)); // ... without the token
        Assert.DoesNotContain(token, options.ToString());
        Assert.DoesNotContain(token, NotificationSettings.Read(key => key == NotificationSettings.WebhookTokenKey ? token
            : key == NotificationSettings.WebhookUrlKey ? server.Url.ToString() : null).ToString());
    }

    [Fact]
    public async Task A_webhook_that_does_not_answer_in_time_fails_the_attempt_as_retryable()
    {
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new TestHttpServer(_ => release.Task);
        using var http = Incidents.LoopbackHttpClient();
        var time = new FakeTimeProvider();
        var channel = new WebhookChannel(http, new WebhookChannelOptions { Url = server.Url, Timeout = TimeSpan.FromSeconds(5) }, time);
        try
        {
            var send = channel.SendAsync(Incidents.Opened(), CancellationToken.None);
            await server.NextRequestAsync(Bounds.Wait);
            time.Advance(TimeSpan.FromSeconds(5));

            var failure = await Assert.ThrowsAsync<NotificationDeliveryException>(() => send.WaitAsync(Bounds.Wait));
            Assert.Contains("did not answer within 5 s", failure.Message);
            Assert.DoesNotContain("/hooks", failure.Message); // the path may be a secret
        }
        finally
        {
            release.TrySetResult(200);
        }
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(301, false)]
    public async Task Webhook_status_decides_between_retry_and_drop(int status, bool retryable)
    {
        await using var server = TestHttpServer.Answering(status);
        using var http = Incidents.LoopbackHttpClient();
        var channel = new WebhookChannel(http, new WebhookChannelOptions { Url = server.Url });

        var failure = await Record.ExceptionAsync(() => channel.SendAsync(Incidents.Opened(), CancellationToken.None).WaitAsync(Bounds.Wait));

        Assert.IsType(retryable ? typeof(NotificationDeliveryException) : typeof(NotificationRejectedException), failure);
        Assert.Contains($"HTTP {status}", failure.Message);
    }

    [Fact]
    public async Task An_unreachable_webhook_fails_the_attempt_as_retryable()
    {
        using var http = Incidents.LoopbackHttpClient();
        var url = new Uri($"http://127.0.0.1:{TestHttpServer.FreePort()}/hook");
        var channel = new WebhookChannel(http, new WebhookChannelOptions { Url = url });

        var failure = await Record.ExceptionAsync(() => channel.SendAsync(Incidents.Opened(), CancellationToken.None).WaitAsync(Bounds.Wait));

        Assert.IsType<NotificationDeliveryException>(failure);
        Assert.Contains("unreachable", failure.Message);
    }

    [Theory]
    [InlineData("https://user:hunter2@hooks.example/x", "credentials")]
    [InlineData("ftp://hooks.example/x", "http")]
    [InlineData("hooks.example/x", "http")]
    public void Webhook_urls_with_credentials_or_other_schemes_are_refused_without_echoing_them(string url, string reason)
    {
        var failure = Assert.Throws<FormatException>(() => NotificationSettings.Read(key => key == NotificationSettings.WebhookUrlKey ? url : null));

        Assert.Contains("monitor.notify.webhook-url", failure.Message);
        Assert.Contains(reason, failure.Message);
        Assert.DoesNotContain("hunter2", failure.Message);
    }

    private static (string, DeliveryResult) Summary(DeliveryOutcome outcome) => (outcome.IncidentId, outcome.Result);
}
