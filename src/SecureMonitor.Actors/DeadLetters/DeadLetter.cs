namespace SecureMonitor.Actors;

/// <summary>A message that could not be delivered, as published to dead-letter subscribers.</summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient, DeadLetterReason Reason);
