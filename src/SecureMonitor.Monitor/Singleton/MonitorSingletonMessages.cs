using Akka.Actor;

namespace SecureMonitor.Monitor.Singleton;

/// <summary>Asks the singleton for its children; answered with <see cref="SingletonParts"/>.</summary>
public sealed record GetSingletonParts
{
    public static readonly GetSingletonParts Instance = new();
}

/// <summary>The singleton's children that the rest of the node talks to.</summary>
/// <param name="Hosts">Stored batches and liveness; ask it <c>GetHostStates</c>.</param>
/// <param name="Correlator">Ask it <c>GetActiveIncident</c>; operators' incident changes.</param>
/// <param name="Thresholds">Threshold settings, pushes and acknowledgements.</param>
/// <param name="Feed">Stored alerts and incident changes for the consoles' live feed.</param>
public sealed record SingletonParts(IActorRef Hosts, IActorRef Correlator, IActorRef Thresholds, IActorRef Feed);
