namespace SecureMonitor.Actors.Tests.TestActors;

public sealed record StartSingleTimer(string Key, object Message, TimeSpan Delay);

public sealed record StartPeriodicTimer(string Key, object Message, TimeSpan Interval);

public sealed record CancelTimer(string Key);

/// <summary>Drives its timers from commands and forwards everything else (timer messages) to the probe.</summary>
public sealed class TimerActor(IActorRef probe) : Actor
{
    protected override void Receive(object message)
    {
        switch (message)
        {
            case StartSingleTimer start:
                Context.Timers.StartSingle(start.Key, start.Message, start.Delay);
                break;
            case StartPeriodicTimer start:
                Context.Timers.StartPeriodic(start.Key, start.Message, start.Interval);
                break;
            case CancelTimer cancel:
                Context.Timers.Cancel(cancel.Key);
                break;
            case Boom boom:
                throw new InvalidOperationException(boom.Reason);
            default:
                probe.Tell(message, Self);
                break;
        }
    }

    protected override void PostRestart(Exception reason) => probe.Tell("restarted", Self);
}
