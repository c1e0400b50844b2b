namespace SecureMonitor.Actors.Tests.TestActors;

/// <summary>
/// On "block" it awaits <paramref name="gate"/> (holding its mailbox without holding a thread);
/// every other message goes to the probe.
/// </summary>
public sealed class GatedActor(IActorRef probe, Task gate) : Actor
{
    protected override async ValueTask ReceiveAsync(object message)
    {
        if (message is "block")
        {
            probe.Tell("blocked", Self);
            await gate.ConfigureAwait(false);
            return;
        }

        probe.Tell(message, Sender);
    }
}
