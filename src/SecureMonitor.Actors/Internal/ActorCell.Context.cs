using Microsoft.Extensions.Logging;

namespace SecureMonitor.Actors.Internal;

/// <summary>The tree (children), death watch, and the <see cref="IActorContext"/> handed to the actor.</summary>
internal sealed partial class ActorCell : IActorContext
{
    // Guarded by its own lock: top-level actors are spawned from any thread into the guardian.
    private readonly Dictionary<string, ActorCell> _children = new(StringComparer.Ordinal);
    private readonly HashSet<IInternalActorRef> _watchers = [];
    private readonly HashSet<IActorRef> _watching = [];
    private ILogger? _actorLog;

    IActorRef IActorContext.Self => Self;

    IActorRef IActorContext.Parent => (IActorRef?)_parent?.Self ?? System.DeadLetters;

    IReadOnlyCollection<IActorRef> IActorContext.Children
    {
        get
        {
            lock (_children)
            {
                return [.. _children.Values.Select(static c => (IActorRef)c.Self)];
            }
        }
    }

    ITimerScheduler IActorContext.Timers => Timers;

    bool IActorContext.HasQueuedMessages => Mailbox.HasUserMessages;

    ILogger IActorContext.Log => _actorLog ??= System.LoggerFactory.CreateLogger(_actor?.GetType().FullName ?? Path);

    private int ChildCount
    {
        get
        {
            lock (_children)
            {
                return _children.Count;
            }
        }
    }

    public IActorRef ActorOf(Props props, string name) => SpawnChild(props, name).Self;

    public IActorRef ActorOf(Func<Actor> factory, string name) => ActorOf(Props.Create(factory), name);

    public IActorRef? Child(string name)
    {
        lock (_children)
        {
            return _children.TryGetValue(name, out var child) ? child.Self : null;
        }
    }

    public void Stop(IActorRef actor)
    {
        if (actor is not ActorRef local || (local.Cell != this && local.Cell._parent != this))
        {
            throw new InvalidOperationException($"{Path} can stop only itself or its children, not {actor.Path}.");
        }

        local.Cell.SendSystemMessage(Terminate.Instance);
    }

    public void Watch(IActorRef actor)
    {
        var target = AsWatchable(actor);
        if (_watching.Add(actor))
        {
            target.SendSystemMessage(new Watch(target, Self));
        }
    }

    public void Unwatch(IActorRef actor)
    {
        var target = AsWatchable(actor);
        if (_watching.Remove(actor))
        {
            target.SendSystemMessage(new Unwatch(target, Self));
        }
    }

    public ActorCell SpawnChild(Props props, string name)
    {
        ArgumentNullException.ThrowIfNull(props);
        ValidateName(name);
        lock (_children)
        {
            if (_state is CellState.Terminating or CellState.Terminated)
            {
                throw new InvalidOperationException($"{Path} is stopping and cannot create {name}.");
            }

            if (_children.ContainsKey(name))
            {
                throw new InvalidOperationException($"{Path} already has a child named '{name}'.");
            }

            var childPath = Path.EndsWith('/') ? Path + name : Path + "/" + name;
            var child = new ActorCell(System, this, childPath, props);
            _children.Add(name, child);
            return child;
        }
    }

    private void StopAllChildren()
    {
        ActorCell[] children;
        lock (_children)
        {
            children = [.. _children.Values];
        }

        foreach (var child in children)
        {
            child.SendSystemMessage(Terminate.Instance);
        }
    }

    private void HandleChildTerminated(ActorCell child)
    {
        lock (_children)
        {
            var name = child.Path[(child.Path.LastIndexOf('/') + 1)..];
            if (_children.TryGetValue(name, out var current) && current == child)
            {
                _children.Remove(name);
            }
        }

        ForgetRestartStatistics(child);
        CompleteRestartWhenChildrenGone();
        CompleteTerminationWhenChildrenGone();
    }

    private bool IsLiveChild(ActorCell child)
    {
        lock (_children)
        {
            return child._parent == this && _children.ContainsValue(child) && !child.IsTerminated;
        }
    }

    private static IInternalActorRef AsWatchable(IActorRef actor) =>
        actor as IInternalActorRef ?? throw new ArgumentException($"{actor.Path} cannot be watched.", nameof(actor));

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('/') || name.StartsWith('$'))
        {
            throw new ArgumentException($"'{name}' is not a valid actor name: it must be non-empty, without '/', not starting with '$'.", nameof(name));
        }
    }
}
