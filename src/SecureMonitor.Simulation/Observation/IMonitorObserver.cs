namespace SecureMonitor.Simulation.Observation;

/// <summary>
/// What the simulator can see of the monitor under test: its refusal counters, its incidents, the
/// security alerts it raised and its view of each host's liveness. Each question is answered from
/// what the monitor itself reports, or not at all: an observer that has no way to see something
/// says so (<see cref="Observation{T}.NotObservable"/>) and the check that needed it is reported as
/// not observed, never as passed.
/// </summary>
/// <remarks>
/// Kept small so the raw-frame implementation used today (<see cref="AdminProtocolObserver"/>:
/// the admin <c>status</c> command) can be replaced by the admin console's client once its
/// <c>incidents</c> and <c>hosts</c> commands exist, without touching the scenarios.
/// </remarks>
public interface IMonitorObserver : IAsyncDisposable
{
    /// <summary>How each kind of fact is observed, one line each, for the report.</summary>
    IReadOnlyList<string> Sources { get; }

    /// <summary>Refusals counted by the monitor since it started, per host and reason.</summary>
    Task<Observation<IReadOnlyList<RejectionCounter>>> RejectionsAsync(CancellationToken cancellationToken);

    /// <summary>Incidents the monitor opened or changed while observed.</summary>
    Task<Observation<IReadOnlyList<IncidentSighting>>> IncidentsAsync(CancellationToken cancellationToken);

    /// <summary>Security alerts the monitor raised itself ("tampering suspected").</summary>
    Task<Observation<IReadOnlyList<SecurityAlertSighting>>> SecurityAlertsAsync(CancellationToken cancellationToken);

    /// <summary>Liveness changes of hosts (Up, Unreachable, Down).</summary>
    Task<Observation<IReadOnlyList<HostStateSighting>>> HostStatesAsync(CancellationToken cancellationToken);
}

/// <summary>A fact the observer saw, or why it cannot see it.</summary>
public readonly record struct Observation<T>(T? Value, string? NotObservable)
    where T : class
{
    public bool Observed => NotObservable is null && Value is not null;

    public static Observation<T> Of(T value) => new(value, null);

    public static Observation<T> Unavailable(string why) => new(null, why);
}

/// <summary>One of the monitor's refusal counters: <paramref name="Reason"/> is the metric name (<c>bad_tag</c>).</summary>
public sealed record RejectionCounter(string Host, string Reason, long Count);

/// <summary>
/// An incident as observed: the union of what its notifications said (hosts, kinds, metrics),
/// its latest state and every change seen, in order.
/// </summary>
public sealed record IncidentSighting(
    string Id,
    string State,
    string Severity,
    IReadOnlySet<string> Kinds,
    IReadOnlySet<string> Hosts,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<string> Changes,
    string Title,
    string Summary,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastChangedAt);

/// <summary>A security alert the monitor raised about a host, e.g. <c>tampering suspected</c>.</summary>
public sealed record SecurityAlertSighting(string Host, string Alert, string Detail, DateTimeOffset At);

/// <summary>A host's liveness change as the monitor reported it.</summary>
public sealed record HostStateSighting(string Host, string From, string To, DateTimeOffset At);

/// <summary>
/// An observer that sees some kinds of facts; the others answer with the reason it cannot see
/// them. Implementations override what they observe.
/// </summary>
public abstract class MonitorObserver : IMonitorObserver
{
    /// <summary>How this observer sees what it sees, e.g. "incidents: webhook receiver on 127.0.0.1:4711".</summary>
    public abstract IReadOnlyList<string> Sources { get; }

    /// <summary>A short name for "not observable" reasons ("the admin status command", ...).</summary>
    protected abstract string Name { get; }

    public virtual Task<Observation<IReadOnlyList<RejectionCounter>>> RejectionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Observation<IReadOnlyList<RejectionCounter>>.Unavailable($"{Name} does not report refusal counters"));

    public virtual Task<Observation<IReadOnlyList<IncidentSighting>>> IncidentsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Observation<IReadOnlyList<IncidentSighting>>.Unavailable($"{Name} does not report incidents"));

    public virtual Task<Observation<IReadOnlyList<SecurityAlertSighting>>> SecurityAlertsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Observation<IReadOnlyList<SecurityAlertSighting>>.Unavailable($"{Name} does not report security alerts"));

    public virtual Task<Observation<IReadOnlyList<HostStateSighting>>> HostStatesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Observation<IReadOnlyList<HostStateSighting>>.Unavailable($"{Name} does not report host liveness"));

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
