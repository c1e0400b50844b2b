namespace SecureMonitor.Notifications;

/// <summary>
/// One way of telling administrators about incident changes. The dispatcher calls
/// <see cref="SendAsync"/> for one notification at a time per channel, in publication order.
/// <para>
/// Contract: return when the notification is delivered; throw
/// <see cref="NotificationRejectedException"/> when retrying cannot help (the receiver refused it);
/// throw anything else (timeouts, connection errors, server errors) to have it retried with
/// backoff. Honour the token: it is cancelled when the dispatcher shuts down for good.
/// </para>
/// </summary>
public interface INotificationChannel
{
    /// <summary>A short name for logs and status, e.g. <c>webhook</c>; unique per dispatcher.</summary>
    string Name { get; }

    Task SendAsync(IncidentNotification notification, CancellationToken cancellationToken);
}

/// <summary>
/// A channel whose receiver forgets open incidents unless they are sent again (Alertmanager).
/// The monitor re-sends every open incident through <c>NotificationDispatcher.Refresh</c> at least
/// every <see cref="RefreshInterval"/>; other channels never see refreshes.
/// </summary>
public interface IRefreshingChannel : INotificationChannel
{
    TimeSpan RefreshInterval { get; }
}

/// <summary>The receiver refused a notification for good: it is logged, counted and dropped.</summary>
public sealed class NotificationRejectedException(string message) : Exception(message);

/// <summary>
/// A delivery failed in a way that may pass (server error, timeout, connection refused): the
/// dispatcher retries it. The message is safe to log: it names the endpoint without credentials.
/// </summary>
public sealed class NotificationDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
