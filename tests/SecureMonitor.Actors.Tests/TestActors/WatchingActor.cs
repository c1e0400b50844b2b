namespace SecureMonitor.Actors.Tests.TestActors;

public sealed record WatchIt(IActorRef Target);

public sealed record UnwatchIt(IActorRef Target);

/// <summary>Watches on command and reports <see cref="Terminated"/> to the probe.</summary>
public sealed class WatchingActor(IActorRef probe) : Actor
{
    protected override void Receive(object message)
    {
        switch (message)
        {
            case WatchIt watch:
                Context.Watch(watch.Target);
                break;
            case UnwatchIt unwatch:
                Context.Unwatch(unwatch.Target);
                break;
            case Terminated terminated:
                probe.Tell(terminated, Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
