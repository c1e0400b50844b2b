using System.Runtime.InteropServices;

namespace SecureMonitor.Transport.Listening;

/// <summary>
/// The process's open-file limit (RLIMIT_NOFILE), which bounds how many connections a listener can
/// hold: every socket is a descriptor, and so is every assembly, store file and pipe of the node.
/// Linux only; elsewhere nothing is known and nothing is changed.
/// </summary>
public static partial class DescriptorLimit
{
    private const int RlimitNofile = 7; // Linux, every architecture we run on
    private const ulong Infinity = ulong.MaxValue;

    /// <summary>Raises the soft limit to the hard one when it is lower (no privilege needed), and returns
    /// the soft limit in force afterwards; null when it cannot be read or is unlimited.</summary>
    public static ulong? RaiseSoftLimit()
    {
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }
        if (limit.Current < limit.Maximum && limit.Maximum != Infinity)
        {
            var raised = limit with { Current = limit.Maximum };
            if (setrlimit(RlimitNofile, in raised) == 0)
            {
                limit = raised;
            }
        }
        return limit.Current == Infinity ? null : limit.Current;
    }

    /// <summary>Descriptors open in this process now; null when they cannot be counted.</summary>
    public static int? OpenDescriptors()
    {
        try
        {
            return OperatingSystem.IsLinux() ? Directory.GetFileSystemEntries("/proc/self/fd").Length : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct RLimit(ulong Current, ulong Maximum);

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the project; called once at start.
    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, in RLimit limit);
#pragma warning restore SYSLIB1054
}
