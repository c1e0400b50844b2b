using System.Runtime.InteropServices;

namespace SecureMonitor.Simulation.Processes;

/// <summary>
/// POSIX signals to another process: what Ctrl-C (SIGINT) or a service manager (SIGTERM) sends, so a
/// child gets the same chance to shut down cleanly as it would in production. The one libc
/// <c>kill</c> binding of the repository; .NET's <see cref="System.Diagnostics.Process.Kill()"/> is SIGKILL only.
/// </summary>
public static class Signals
{
    public const int Interrupt = 2;
    public const int Terminate = 15;

    /// <summary>Freezes a process (Linux x86-64 and arm64 numbering), as a VM pause or a stalled host does.</summary>
    public const int Stop = 19;

    /// <summary>Lets a frozen process run again.</summary>
    public const int Continue = 18;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false if it could not be sent
    /// (no such process, not permitted, or Windows, which has no signals).</summary>
    public static bool Send(int pid, int signal) => !OperatingSystem.IsWindows() && kill(pid, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
