using Akka.Actor;
using SecureMonitor.Watcher.Delivery;

namespace SecureMonitor.Watcher.Sampling;

/// <summary>
/// Reads the host's metrics on a fixed interval and hands each round to the threshold rules and
/// (as the latest values for the next heartbeat) to the sender. The reading itself is a function
/// so tests can drive the whole watcher with scripted values on virtual time.
/// </summary>
public sealed class SamplerActor : ReceiveActor, IWithTimers
{
    private readonly TimeSpan _interval;

    public SamplerActor(Func<IReadOnlyDictionary<string, double>> read, TimeSpan interval, IActorRef rules, IActorRef sender)
    {
        _interval = interval;
        Receive<SampleDue>(_ =>
        {
            var values = read();
            // Rules first: a sender (or a test probe) that has the values knows the rules have them queued.
            rules.Tell(new SamplesTaken(Context.System.Scheduler.Now, values), Self);
            sender.Tell(new LatestMetrics(values), Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer("sample", SampleDue.Instance, TimeSpan.Zero, _interval);

    private sealed record SampleDue
    {
        public static readonly SampleDue Instance = new();
    }
}
