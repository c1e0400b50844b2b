using System.Collections.Concurrent;
using SecureMonitor.Notifications.Tests.Fakes;
using Xunit;

namespace SecureMonitor.Notifications.Tests;

/// <summary>Retry, refresh and shutdown rules of the dispatcher, with scripted in-memory channels.</summary>
public sealed class NotificationDispatcherTests
{
    /// <summary>A channel that fails while <see cref="Failing"/> is set and records what it was sent.</summary>
    private class ScriptedChannel(string name) : INotificationChannel
    {
        public ConcurrentQueue<IncidentNotification> Sent { get; } = new();

        public int Calls;

        public volatile bool Failing;

        public string Name => name;

        public Task SendAsync(IncidentNotification notification, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            if (Failing)
            {
                throw new NotificationDeliveryException($"{name} is down");
            }
            Sent.Enqueue(notification);
            return Task.CompletedTask;
        }
    }

    private sealed class ScriptedRefreshingChannel(string name) : ScriptedChannel(name), IRefreshingChannel
    {
        public TimeSpan RefreshInterval => TimeSpan.FromMinutes(1);
    }

    [Fact]
    public void Backoff_doubles_from_the_minimum_with_jitter_and_never_leaves_its_bounds()
    {
        var min = TimeSpan.FromMilliseconds(500);
        var max = TimeSpan.FromSeconds(60);

        Assert.Equal(min, NotificationDispatcher.Backoff(1, min, max, 0));
        Assert.Equal(min, NotificationDispatcher.Backoff(1, min, max, 0.999));
        Assert.Equal(TimeSpan.FromMilliseconds(500), NotificationDispatcher.Backoff(2, min, max, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), NotificationDispatcher.Backoff(2, min, max, 1));
        Assert.Equal(TimeSpan.FromMilliseconds(3000), NotificationDispatcher.Backoff(4, min, max, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(30), NotificationDispatcher.Backoff(20, min, max, 0));
        Assert.Equal(max, NotificationDispatcher.Backoff(1000, min, max, 1));
        for (var retry = 1; retry < 64; retry++)
        {
            var delay = NotificationDispatcher.Backoff(retry, min, max, Random.Shared.NextDouble());
            Assert.InRange(delay, min, max);
        }
    }

    [Fact]
    public async Task A_channel_that_keeps_failing_is_given_up_after_the_last_attempt_and_counted_as_failed()
    {
        var time = new FakeTimeProvider();
        var channel = new ScriptedChannel("down") { Failing = true };
        var healthy = new ScriptedChannel("up");
        var dispatcher = new NotificationDispatcher([channel, healthy], new NotificationDispatcherOptions { MaxAttempts = 3 }, time);
        var outcomes = new OutcomeRecorder(dispatcher);

        dispatcher.Publish(Incidents.Opened());
        Assert.Equal(("up", DeliveryResult.Delivered), Summary(await outcomes.NextAsync())); // not held up by "down"
        // Retry 1 waits exactly the minimum (500 ms); retry 2 between 500 ms and 1 s. Advancing no
        // further than that keeps a timer armed during one Advance from firing in the same call.
        await time.WaitForArmedTimersAsync(1, Bounds.Wait);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(1, Volatile.Read(ref channel.Calls));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await time.WaitForArmedTimersAsync(1, Bounds.Wait);
        time.Advance(TimeSpan.FromSeconds(1));

        var outcome = await outcomes.NextAsync();
        Assert.Equal(new DeliveryOutcome("down", "inc-1", 1, false, DeliveryResult.GaveUp, 3), outcome);
        Assert.Equal(3, channel.Calls);
        Assert.Equal(new ChannelStatus("down", 0, 0, 2, 0, 1), dispatcher.StatusOf("down"));
        Assert.Equal(new ChannelStatus("up", 0, 1, 0, 0, 0), dispatcher.StatusOf("up"));
        await dispatcher.DisposeAsync();
    }

    [Fact]
    public async Task A_channel_receives_an_incidents_changes_in_publication_order()
    {
        var channel = new ScriptedChannel("ordered");
        var dispatcher = new NotificationDispatcher([channel]);
        var opened = Incidents.Opened();
        var changes = new[] { opened, opened.Grew("critical", "network_attack"), opened.Grew("critical").Acknowledged(), opened.Grew("critical").Acknowledged().Resolved() };

        foreach (var change in changes)
        {
            Assert.True(dispatcher.Publish(change));
        }
        await dispatcher.DisposeAsync();

        Assert.Equal([IncidentChange.Opened, IncidentChange.Grew, IncidentChange.Acknowledged, IncidentChange.Resolved],
            channel.Sent.Select(n => n.Change));
    }

    [Fact]
    public async Task Observers_in_the_process_hear_each_accepted_change_once_and_no_refresh()
    {
        var dispatcher = new NotificationDispatcher([new ScriptedRefreshingChannel("alertmanager")]);
        var heard = new List<string>();
        dispatcher.Published += n => heard.Add($"{n.IncidentId}:{n.Version}");
        var opened = Incidents.Opened();

        dispatcher.Publish(opened);
        dispatcher.Publish(opened); // a duplicate
        dispatcher.Refresh(opened);
        dispatcher.Publish(opened.Acknowledged());
        await dispatcher.DisposeAsync();

        Assert.Equal(["inc-1:1", "inc-1:2"], heard);
    }

    [Fact]
    public async Task Refresh_goes_only_to_refreshing_channels_and_never_revives_a_resolved_incident()
    {
        var plain = new ScriptedChannel("webhook");
        var refreshing = new ScriptedRefreshingChannel("alertmanager");
        var dispatcher = new NotificationDispatcher([plain, refreshing]);
        var opened = Incidents.Opened();
        var acknowledged = opened.Acknowledged();

        Assert.Equal(TimeSpan.FromMinutes(1), dispatcher.RefreshInterval);
        dispatcher.Publish(opened);
        dispatcher.Publish(acknowledged);
        Assert.True(dispatcher.Refresh(acknowledged));
        Assert.False(dispatcher.Refresh(opened)); // older than what was published: would undo the acknowledgement
        dispatcher.Publish(acknowledged.Resolved());
        Assert.False(dispatcher.Refresh(acknowledged)); // resolved since
        Assert.True(dispatcher.Refresh(Incidents.Opened("taken-over", version: 4))); // unknown here: a failover
        await dispatcher.DisposeAsync();

        Assert.Equal(["inc-1:1", "inc-1:2", "inc-1:3"], plain.Sent.Select(n => $"{n.IncidentId}:{n.Version}"));
        Assert.Equal(["inc-1:1", "inc-1:2", "inc-1:2", "inc-1:3", "taken-over:4"], refreshing.Sent.Select(n => $"{n.IncidentId}:{n.Version}"));
    }

    [Fact]
    public async Task Dispose_cuts_a_pending_backoff_short_and_makes_one_last_attempt()
    {
        var time = new FakeTimeProvider();
        var channel = new ScriptedChannel("flaky") { Failing = true };
        var dispatcher = new NotificationDispatcher([channel], time: time);

        dispatcher.Publish(Incidents.Opened());
        await time.WaitForArmedTimersAsync(1, Bounds.Wait); // waiting to retry
        channel.Failing = false;
        await dispatcher.DisposeAsync().AsTask().WaitAsync(Bounds.Wait);

        Assert.Single(channel.Sent);
        Assert.Equal(new ChannelStatus("flaky", 0, 1, 1, 0, 0), dispatcher.StatusOf("flaky"));
        Assert.Throws<ObjectDisposedException>(() => dispatcher.Publish(Incidents.Opened("late")));
    }

    [Fact]
    public void Channels_must_have_distinct_names()
    {
        Assert.Throws<ArgumentException>(() => new NotificationDispatcher([new ScriptedChannel("x"), new ScriptedChannel("x")]));
    }

    private static (string, DeliveryResult) Summary(DeliveryOutcome outcome) => (outcome.Channel, outcome.Result);
}
