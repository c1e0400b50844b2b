using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace SecureMonitor.TestKit.Actors;

/// <summary>
/// Virtual time for actor tests: Akka's <see cref="TestScheduler"/> is the one clock of the test.
/// Actors read it as <c>Context.System.Scheduler.Now</c>; code outside actors (stores, notifiers) reads the
/// same clock through <see cref="SchedulerTimeProvider"/>. Time moves only when the test advances it.
/// </summary>
public static class VirtualTime
{
    /// <summary>ActorSystem settings that swap Akka's scheduler for the test scheduler.</summary>
    public static Config Config { get; } =
        ConfigurationFactory.ParseString("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"");

    /// <summary>Moves <paramref name="clock"/> to the next whole second, so times that pass through a store
    /// (which keeps microseconds) come back equal.</summary>
    public static void AlignToWholeSecond(TestScheduler clock)
    {
        var past = clock.Now.Ticks % TimeSpan.TicksPerSecond;
        if (past != 0)
        {
            clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - past));
        }
    }

    /// <summary>The test scheduler of <paramref name="system"/> (made with <see cref="Config"/>).</summary>
    public static TestScheduler Of(ActorSystem system) =>
        system.Scheduler as TestScheduler ?? throw new InvalidOperationException($"{system.Name} does not run on virtual time (use VirtualTime.Config)");
}
