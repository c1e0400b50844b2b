using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.Actors.Internal;

namespace SecureMonitor.Actors;

/// <summary>
/// Hosts a tree of actors under <c>/user</c>. All time (timers, Ask timeouts, restart backoff) is
/// read from <see cref="TimeProvider"/>, so tests can run on a manual clock.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _guardian;

    public ActorSystem(string name, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, ActorSystemOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        TimeProvider = timeProvider ?? TimeProvider.System;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Options = options ?? ActorSystemOptions.Default;
        KernelLog = LoggerFactory.CreateLogger("SecureMonitor.Actors");
        DeadLetters = new DeadLetterOffice(KernelLog, TimeProvider);
        _guardian = new ActorCell(this, parent: null, "/user", Props.Create(static () => new GuardianActor())
            .WithSupervisorStrategy(Options.DefaultSupervisorStrategy));
    }

    public string Name { get; }

    public TimeProvider TimeProvider { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ActorSystemOptions Options { get; }

    public DeadLetterOffice DeadLetters { get; }

    /// <summary>Completes when every actor has stopped after <see cref="ShutdownAsync"/>.</summary>
    public Task WhenTerminated => _guardian.WhenTerminated;

    internal ILogger KernelLog { get; }

    /// <summary>Spawns a top-level actor at <c>/user/{name}</c>.</summary>
    public IActorRef ActorOf(Props props, string name) => _guardian.SpawnChild(props, name).Self;

    public IActorRef ActorOf(Func<Actor> factory, string name) => ActorOf(Props.Create(factory), name);

    /// <summary>Stops any local actor (its children first). Prefer Context.Stop from inside actors.</summary>
    public void Stop(IActorRef actor)
    {
        if (actor is ActorRef local && local.Cell.System == this)
        {
            local.Cell.SendSystemMessage(Terminate.Instance);
        }
    }

    /// <summary>Stops every actor, children before parents, and waits until all PostStop hooks ran.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        _guardian.SendSystemMessage(Terminate.Instance);
        return _guardian.WhenTerminated.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    public override string ToString() => Name;
}
