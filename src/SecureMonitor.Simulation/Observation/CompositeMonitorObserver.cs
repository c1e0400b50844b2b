namespace SecureMonitor.Simulation.Observation;

/// <summary>
/// Several observers as one: each question goes to the observers in order and the first that can
/// answer does. When none can, the reasons of all are given. It does not own the observers:
/// disposing it leaves them to whoever made them.
/// </summary>
public sealed class CompositeMonitorObserver(IReadOnlyList<IMonitorObserver> observers) : IMonitorObserver
{
    public IReadOnlyList<string> Sources => [.. observers.SelectMany(observer => observer.Sources)];

    public Task<Observation<IReadOnlyList<RejectionCounter>>> RejectionsAsync(CancellationToken cancellationToken) =>
        FirstAsync(observer => observer.RejectionsAsync(cancellationToken));

    public Task<Observation<IReadOnlyList<IncidentSighting>>> IncidentsAsync(CancellationToken cancellationToken) =>
        FirstAsync(observer => observer.IncidentsAsync(cancellationToken));

    public Task<Observation<IReadOnlyList<SecurityAlertSighting>>> SecurityAlertsAsync(CancellationToken cancellationToken) =>
        FirstAsync(observer => observer.SecurityAlertsAsync(cancellationToken));

    public Task<Observation<IReadOnlyList<HostStateSighting>>> HostStatesAsync(CancellationToken cancellationToken) =>
        FirstAsync(observer => observer.HostStatesAsync(cancellationToken));

    private async Task<Observation<T>> FirstAsync<T>(Func<IMonitorObserver, Task<Observation<T>>> ask)
        where T : class
    {
        var reasons = new List<string>();
        foreach (var observer in observers)
        {
            var answer = await ask(observer);
            if (answer.Observed)
            {
                return answer;
            }
            reasons.Add(answer.NotObservable ?? "no answer");
        }
        return Observation<T>.Unavailable(reasons.Count == 0 ? "nothing observes the monitor" : string.Join("; ", reasons.Distinct()));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
