namespace SecureMonitor.Actors.Tests.TestActors;

/// <summary>Passes every message to the probe, keeping the original sender.</summary>
public sealed class ForwardingActor(IActorRef probe) : Actor
{
    protected override void Receive(object message) => probe.Tell(message, Sender);
}
