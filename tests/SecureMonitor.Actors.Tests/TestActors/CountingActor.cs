namespace SecureMonitor.Actors.Tests.TestActors;

/// <summary>Counts increments, throws on <see cref="Boom"/>, and reports lifecycle hooks to a probe.</summary>
public sealed class CountingActor(IActorRef probe) : Actor
{
    private int _count;

    protected override void Receive(object message)
    {
        switch (message)
        {
            case Increment:
                _count++;
                break;
            case GetCount:
                Sender.Tell(new Count(_count), Self);
                break;
            case Boom boom:
                throw new InvalidOperationException(boom.Reason);
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PreStart() => probe.Tell("started", Self);

    protected override void PreRestart(Exception reason) => probe.Tell("pre-restart: " + reason.Message, Self);

    protected override void PostRestart(Exception reason) => probe.Tell("post-restart: " + reason.Message, Self);

    protected override void PostStop() => probe.Tell("stopped " + Self.Path, Self);
}
