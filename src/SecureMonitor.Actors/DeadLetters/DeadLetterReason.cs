namespace SecureMonitor.Actors;

public enum DeadLetterReason
{
    /// <summary>The recipient's mailbox was at capacity (Tell never waits).</summary>
    MailboxFull,

    /// <summary>The recipient had stopped, or stopped with the message still queued.</summary>
    RecipientStopped,

    /// <summary>The recipient's handler passed the message to <c>Unhandled</c>.</summary>
    Unhandled,

    /// <summary>Sent to no one, e.g. a reply to a message that had no sender.</summary>
    NoRecipient,
}
