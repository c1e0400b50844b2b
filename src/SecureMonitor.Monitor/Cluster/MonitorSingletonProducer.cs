using Akka.Actor;
using SecureMonitor.Monitor.Singleton;

namespace SecureMonitor.Monitor.Cluster;

/// <summary>
/// Makes the monitor singleton when ClusterSingletonManager starts it, that is after the lease was
/// acquired: its settings (the fence with the lease's epoch, a fresh set of watcher sessions) are read
/// at that moment. Props made from an expression would evaluate them once, when the props are made.
/// </summary>
internal sealed class MonitorSingletonProducer(Func<MonitorSingletonSettings> settings) : IIndirectActorProducer
{
    public Type ActorType => typeof(MonitorSingleton);

    public ActorBase Produce() => new MonitorSingleton(settings());

    public void Release(ActorBase actor)
    {
    }
}
