namespace SecureMonitor.Simulation.Processes;

/// <summary>A child process did not do what its parent waited for; <see cref="Process"/> has its last lines.</summary>
public sealed class ChildProcessException(string message, ChildProcess process) : Exception(message)
{
    public ChildProcess Process { get; } = process;
}
