using Akka.Actor;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Notifications;

namespace SecureMonitor.Monitor.Admin.Feed;

/// <summary>
/// The term's side of the live feed: stored alerts and incident changes arrive here as messages and
/// are rendered (once, whatever the number of consoles) and offered to every console of the node's
/// <see cref="AdminFeed"/>. Rendering JSON happens here, off the writer loop that stores alerts.
/// </summary>
public sealed class AdminFeedActor : ReceiveActor
{
    public AdminFeedActor(AdminFeed feed)
    {
        Receive<StoredEvent>(feed.Publish);
        Receive<IncidentNotification>(feed.Publish);
        Receive<Security.RaisedAlertStored>(stored => feed.Publish(stored.Alert));
    }
}
