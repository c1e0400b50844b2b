namespace SecureMonitor.Actors;

/// <summary>An Ask got no reply in time (time as measured by the system's TimeProvider).</summary>
public sealed class AskTimeoutException : TimeoutException
{
    public AskTimeoutException(string message)
        : base(message)
    {
    }

    public AskTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
