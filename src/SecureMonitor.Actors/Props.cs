namespace SecureMonitor.Actors;

/// <summary>
/// How to make an actor: the factory is called again on every restart, so each restart starts
/// from fresh state.
/// </summary>
public sealed record Props(Func<Actor> Factory)
{
    /// <summary>Mailbox bound; null takes <see cref="ActorSystemOptions.DefaultMailboxCapacity"/>.</summary>
    public int? MailboxCapacity { get; init; }

    /// <summary>How this actor supervises its children; null takes the system default.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; init; }

    public static Props Create(Func<Actor> factory) => new(factory);

    public static Props Create<TActor>()
        where TActor : Actor, new() => new(static () => new TActor());

    public Props WithMailboxCapacity(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return this with { MailboxCapacity = capacity };
    }

    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => this with { SupervisorStrategy = strategy };
}
