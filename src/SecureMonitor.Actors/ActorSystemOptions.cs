namespace SecureMonitor.Actors;

public sealed record ActorSystemOptions
{
    public static readonly ActorSystemOptions Default = new();

    /// <summary>Messages an actor may hold before Tell sends new ones to dead letters.</summary>
    public int DefaultMailboxCapacity { get; init; } = 10_000;

    /// <summary>
    /// Messages an actor handles before giving its thread back to the pool: higher is faster,
    /// lower is fairer to other actors sharing the two cores.
    /// </summary>
    public int Throughput { get; init; } = 100;

    /// <summary>Used by the /user guardian and by parents whose props set no strategy.</summary>
    public SupervisorStrategy DefaultSupervisorStrategy { get; init; } = SupervisorStrategy.Default;
}
