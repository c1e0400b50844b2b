using SecureMonitor.Monitor.Admin.Feed;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Notifications;

namespace SecureMonitor.Monitor.Tests.Admin;

/// <summary>The live feed behind <c>tail</c> never waits for a console: a slow one loses events, counted.</summary>
public sealed class AdminFeedTests
{
    private static StoredEvent Alert(string host, ulong sequence) =>
        new(host, sequence, DateTimeOffset.UtcNow, TestWatcherConnection.SampleAlert());

    [Fact]
    public async Task A_subscriber_that_does_not_read_loses_what_does_not_fit_and_the_others_get_everything()
    {
        var feed = new AdminFeed(capacityPerSubscriber: 3);
        await using var slow = feed.Subscribe();
        await using var reader = feed.Subscribe();
        using var stop = new CancellationTokenSource(Eventually.DefaultWithin);
        var received = new List<string>();
        var reading = Task.Run(async () =>
        {
            await foreach (var item in reader.ReadAllAsync(stop.Token))
            {
                received.Add(item);
                if (received.Count == 10)
                {
                    return;
                }
            }
        });

        for (ulong sequence = 1; sequence <= 10; sequence++)
        {
            feed.Publish(Alert("web-01", sequence)); // returns at once, whoever reads or not
            await Eventually.WaitUntilAsync(() => reader.Delivered >= (long)sequence, () => $"the reading subscriber got {sequence}");
        }
        await reading;

        Assert.Equal(10, received.Count);
        Assert.Equal(0, reader.Dropped);
        Assert.Equal(7, slow.Dropped);
        Assert.Equal(0, slow.Delivered);
    }

    [Fact]
    public async Task Heartbeats_are_not_part_of_the_feed_and_incident_changes_are()
    {
        var feed = new AdminFeed();
        await using var subscriber = feed.Subscribe();
        using var stop = new CancellationTokenSource(Eventually.DefaultWithin);

        feed.Publish(new StoredEvent("web-01", 1, DateTimeOffset.UtcNow, new WatcherMessage { Heartbeat = new Heartbeat() }));
        feed.Publish(new IncidentNotification("INC-1", IncidentChange.Opened, Notifications.IncidentState.Open, ["distributed_alerts"], "title", "summary",
            IncidentNotification.SeverityCritical, ["web-01"], new Dictionary<string, double>(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null, null,
            "monitor-1", 1));
        await using var items = subscriber.ReadAllAsync(stop.Token).GetAsyncEnumerator();

        Assert.True(await items.MoveNextAsync());
        Assert.Contains("\"type\":\"incident\"", items.Current);
        Assert.Contains("\"change\":\"opened\"", items.Current);
        Assert.Equal(1, subscriber.Delivered);
    }

    [Fact]
    public async Task A_subscriber_that_leaves_no_longer_receives()
    {
        var feed = new AdminFeed();
        var subscriber = feed.Subscribe();
        Assert.Equal(1, feed.SubscriberCount);

        await subscriber.DisposeAsync();
        feed.Publish(Alert("web-01", 1));

        Assert.Equal(0, feed.SubscriberCount);
        Assert.Equal(0, subscriber.Dropped);
    }
}
