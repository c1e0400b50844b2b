using System.Threading.Channels;

namespace SecureMonitor.Notifications.Tests.Fakes;

internal static class Bounds
{
    /// <summary>The longest any test waits for anything.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
}

/// <summary>Collects a dispatcher's delivery outcomes so tests can wait for them.</summary>
internal sealed class OutcomeRecorder
{
    private readonly Channel<DeliveryOutcome> _outcomes = Channel.CreateUnbounded<DeliveryOutcome>();

    public OutcomeRecorder(NotificationDispatcher dispatcher) => dispatcher.Outcome += outcome => _outcomes.Writer.TryWrite(outcome);

    /// <summary>The next outcome (on any channel), within <see cref="Bounds.Wait"/>.</summary>
    public async Task<DeliveryOutcome> NextAsync() => await _outcomes.Reader.ReadAsync().AsTask().WaitAsync(Bounds.Wait);

    public bool TryTake(out DeliveryOutcome? outcome)
    {
        var taken = _outcomes.Reader.TryRead(out var value);
        outcome = value;
        return taken;
    }
}

internal static class Incidents
{
    public static readonly DateTimeOffset OpenedAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static IncidentNotification Opened(string id = "inc-1", long version = 1, string severity = "warning",
        DateTimeOffset? openedAt = null, params string[] kinds) => new(
        IncidentId: id,
        Change: IncidentChange.Opened,
        State: IncidentState.Open,
        Kinds: kinds.Length == 0 ? ["distributed_alerts"] : kinds,
        Title: "DoS suspected: 3 hosts alerting",
        Summary: "3 hosts raised network alerts within 60 s",
        Severity: severity,
        Hosts: ["web-1", "web-2", "db-1"],
        Metrics: new Dictionary<string, double> { ["hosts"] = 3, ["alerts_per_second"] = 12.5 },
        OpenedAt: openedAt ?? OpenedAt,
        ChangedAt: openedAt ?? OpenedAt,
        ResolvedAt: null,
        AcknowledgedBy: null,
        Note: null,
        MonitorNode: "monitor-a",
        Version: version);

    public static IncidentNotification Grew(this IncidentNotification n, string severity, params string[] kinds) => n with
    {
        Change = IncidentChange.Grew,
        Severity = severity,
        Kinds = [.. n.Kinds.Concat(kinds).Distinct()],
        Hosts = [.. n.Hosts, "web-3"],
        ChangedAt = n.ChangedAt.AddMinutes(1),
        Version = n.Version + 1,
    };

    public static IncidentNotification Acknowledged(this IncidentNotification n) => n with
    {
        Change = IncidentChange.Acknowledged,
        State = IncidentState.Acknowledged,
        AcknowledgedBy = "CN=alice,OU=admins",
        Note = "looking into it",
        ChangedAt = n.ChangedAt.AddMinutes(2),
        Version = n.Version + 1,
    };

    public static IncidentNotification Resolved(this IncidentNotification n, DateTimeOffset? at = null) => n with
    {
        Change = IncidentChange.Resolved,
        State = IncidentState.Resolved,
        ResolvedAt = at ?? n.ChangedAt.AddMinutes(5),
        ChangedAt = at ?? n.ChangedAt.AddMinutes(5),
        Version = n.Version + 1,
    };

    /// <summary>An HttpClient that talks to loopback directly, whatever proxy the environment names.</summary>
    public static HttpClient LoopbackHttpClient() => new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
}
