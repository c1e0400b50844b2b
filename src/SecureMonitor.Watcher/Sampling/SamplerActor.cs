using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
using SecureMonitor.Watcher.Delivery;

namespace SecureMonitor.Watcher.Sampling;

/// <summary>
/// Reads the host's metrics on a fixed interval and hands each round to the threshold rules and
/// (as the latest values for the next heartbeat) to the sender. The reading itself is a function
/// so tests can drive the whole watcher with scripted values on virtual time.
/// </summary>
public sealed partial class SamplerActor(Func<IReadOnlyDictionary<string, double>> read, TimeSpan interval, IActorRef rules, IActorRef sender)
    : Actor
{
    private sealed record SampleDue
    {
        public static readonly SampleDue Instance = new();
    }

    protected override void PreStart() => Context.Timers.StartPeriodic("sample", SampleDue.Instance, TimeSpan.Zero, interval);

    protected override void Receive(object message)
    {
        switch (message)
        {
            case SampleDue:
                var values = read();
                var samples = new SamplesTaken(Context.System.TimeProvider.GetUtcNow(), values);
                rules.Tell(samples, Self);
                sender.Tell(new LatestMetrics(values), Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
