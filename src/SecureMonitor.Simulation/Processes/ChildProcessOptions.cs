namespace SecureMonitor.Simulation.Processes;

/// <summary>How a <see cref="ChildProcess"/> starts and what it keeps.</summary>
public sealed record ChildProcessOptions
{
    /// <summary>Variables set for the child, over the inherited environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Inherited variables with this prefix are removed first (e.g. <c>SM_</c>, so only the caller's settings apply).</summary>
    public string? DropInheritedPrefix { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>How many of the latest lines to keep; null keeps every line (tests count them, failures show them).</summary>
    public int? KeepLines { get; init; }

    /// <summary>Called with every line, on the process's reader thread.</summary>
    public Action<string>? OnLine { get; init; }

    /// <summary>Text written to the child's stdin, which is then closed; null leaves stdin alone.</summary>
    public string? StandardInput { get; init; }
}
