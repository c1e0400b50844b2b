namespace SecureMonitor.Actors.Tests.TestActors;

/// <summary>Creates the named children in PreStart and reports its own lifecycle to the probe.</summary>
public sealed class ParentActor(IActorRef probe, Func<IActorRef, Actor> childFactory, params string[] childNames) : Actor
{
    protected override void PreStart()
    {
        foreach (var name in childNames)
        {
            Context.ActorOf(() => childFactory(probe), name);
        }
    }

    protected override void Receive(object message)
    {
        if (message is string name && Context.Child(name) is { } child)
        {
            child.Tell(new Boom("child " + name + " failed"), Sender);
            return;
        }

        Unhandled(message);
    }

    protected override void PostRestart(Exception reason)
    {
        probe.Tell("parent restarted: " + reason.Message, Self);
        PreStart();
    }

    protected override void PostStop() => probe.Tell("stopped " + Self.Path, Self);
}
