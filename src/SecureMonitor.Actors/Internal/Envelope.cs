namespace SecureMonitor.Actors.Internal;

/// <summary>A mailbox slot. A struct, so enqueueing a message allocates nothing of its own.</summary>
internal readonly record struct Envelope(object Message, IActorRef? Sender);
