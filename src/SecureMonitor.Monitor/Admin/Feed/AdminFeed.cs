using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Notifications;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Storage;
using AlertState = SecureMonitor.Protocol.Wire.AlertState;

namespace SecureMonitor.Monitor.Admin.Feed;

/// <summary>
/// The live feed behind <c>tail</c>: alerts as they are stored (the watchers' and the monitor's own) and incident changes as they are
/// published, each turned into one JSON text (once, whatever the number of consoles) and offered to
/// every subscriber's bounded queue. Publishing never waits: when a console reads too slowly, what
/// does not fit is dropped and counted for that console alone, so one slow console can neither hold
/// the monitor nor cost the others anything.
/// </summary>
public sealed class AdminFeed(int capacityPerSubscriber = AdminFeed.DefaultCapacity)
{
    public const int DefaultCapacity = 1024;

    private readonly ConcurrentDictionary<long, Subscription> _subscribers = new();
    private long _nextId;

    public int SubscriberCount => _subscribers.Count;

    /// <summary>Offers a stored alert or resolution (other messages are not part of the feed).</summary>
    public void Publish(StoredEvent stored)
    {
        if (_subscribers.IsEmpty || stored.Message.BodyCase != WatcherMessage.BodyOneofCase.Alert)
        {
            return;
        }
        var alert = stored.Message.Alert;
        Offer(new JsonObject
        {
            ["type"] = "alert",
            ["at"] = AdminJson.Time(stored.ReceivedAt),
            ["host"] = stored.HostId,
            ["rule"] = alert.RuleId,
            ["metric"] = alert.Metric,
            ["severity"] = alert.Severity.ToString().ToLowerInvariant(),
            ["state"] = alert.State == AlertState.Resolved ? "resolved" : "firing",
            ["value"] = alert.Value,
            ["threshold"] = alert.Threshold,
            ["summary"] = alert.Summary,
        }.ToJsonString());
    }

    /// <summary>Offers an alert the monitor raised itself (stored), shaped like a watcher's with its origin.</summary>
    public void Publish(RaisedAlert raised)
    {
        if (_subscribers.IsEmpty)
        {
            return;
        }
        var alert = raised.Alert;
        Offer(new JsonObject
        {
            ["type"] = "alert",
            ["origin"] = "monitor",
            ["at"] = AdminJson.Time(raised.At),
            ["host"] = raised.Subject,
            ["rule"] = alert.RuleId,
            ["metric"] = alert.Metric,
            ["severity"] = alert.Severity.ToString().ToLowerInvariant(),
            ["state"] = alert.State.ToString().ToLowerInvariant(),
            ["value"] = alert.Value,
            ["threshold"] = alert.Threshold,
            ["summary"] = alert.Summary,
        }.ToJsonString());
    }

    /// <summary>Offers an incident change (opened, grew, acknowledged, resolved).</summary>
    public void Publish(IncidentNotification change)
    {
        if (_subscribers.IsEmpty)
        {
            return;
        }
        Offer(new JsonObject
        {
            ["type"] = "incident",
            ["at"] = AdminJson.Time(change.ChangedAt),
            ["id"] = change.IncidentId,
            ["change"] = change.Change.ToString().ToLowerInvariant(),
            ["state"] = change.State.ToString().ToLowerInvariant(),
            ["severity"] = change.Severity,
            ["title"] = change.Title,
            ["hosts"] = new JsonArray([.. change.Hosts.Select(host => (JsonNode?)host)]),
            ["note"] = change.Note,
        }.ToJsonString());
    }

    /// <summary>A new subscriber; dispose it to leave the feed.</summary>
    public IAdminStream Subscribe()
    {
        var subscription = new Subscription(this, Interlocked.Increment(ref _nextId), capacityPerSubscriber);
        _subscribers[subscription.Id] = subscription;
        return subscription;
    }

    private void Offer(string item)
    {
        foreach (var subscriber in _subscribers.Values)
        {
            subscriber.Offer(item);
        }
    }

    private sealed class Subscription(AdminFeed feed, long id, int capacity) : IAdminStream
    {
        private readonly Channel<string> _items = Channel.CreateBounded<string>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: counted below, never waited for
        });
        private long _dropped;
        private long _delivered;

        public long Id => id;

        public long Dropped => Interlocked.Read(ref _dropped);

        public long Delivered => Interlocked.Read(ref _delivered);

        public void Offer(string item)
        {
            if (!_items.Writer.TryWrite(item))
            {
                Interlocked.Increment(ref _dropped);
            }
        }

        public async IAsyncEnumerable<string> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            while (true)
            {
                try
                {
                    if (!await _items.Reader.WaitToReadAsync(cancellationToken))
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
                while (_items.Reader.TryRead(out var item))
                {
                    Interlocked.Increment(ref _delivered);
                    yield return item;
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            feed._subscribers.TryRemove(id, out _);
            _items.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
