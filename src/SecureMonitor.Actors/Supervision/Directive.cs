namespace SecureMonitor.Actors;

/// <summary>What a supervisor does with a child whose handler threw.</summary>
public enum Directive
{
    /// <summary>Replace the child with a fresh instance; its mailbox is kept, the failing message dropped.</summary>
    Restart,

    /// <summary>Stop the child (its children first).</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the child's exception.</summary>
    Escalate,
}
