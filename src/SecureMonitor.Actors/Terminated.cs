namespace SecureMonitor.Actors;

/// <summary>Delivered to an actor that watches <paramref name="Actor"/> once it has stopped.</summary>
public sealed record Terminated(IActorRef Actor);
