namespace SecureMonitor.Cli;

/// <summary>A failure meant for the operator: its message is shown as is, with its exit code.</summary>
public sealed class CliException(string message, int exitCode, Exception? inner = null)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
