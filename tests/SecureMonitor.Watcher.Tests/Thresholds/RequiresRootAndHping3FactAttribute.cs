using SecureMonitor.TestKit.Processes;
using Xunit;

namespace SecureMonitor.Watcher.Tests.Thresholds;

/// <summary>
/// A test that floods a network namespace of its own: it needs root (unshare -n, hping3's raw socket),
/// hping3, and util-linux's unshare, iproute2's ip and python3 on PATH. Reported as skipped, with the
/// reason, otherwise; CI runs tests/run as root, which installs hping3, so there it runs.
/// </summary>
internal sealed class RequiresRootAndHping3FactAttribute : FactAttribute
{
    public RequiresRootAndHping3FactAttribute()
    {
        if (!IsRoot())
        {
            Skip = "needs root: it makes a network namespace (unshare -n) and hping3 sends raw packets";
        }
        else if (ExternalTool.WhyMissing([ExternalTool.Hping3Key]) is { } reason)
        {
            Skip = reason;
        }
        else if (new[] { "unshare", "ip", "python3" }.FirstOrDefault(command => OnPath(command) is null) is { } missing)
        {
            Skip = $"{missing} not on PATH (util-linux, iproute2, python3)";
        }
    }

    public static string? OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command)).FirstOrDefault(File.Exists);

    private static bool IsRoot() => File.ReadLines("/proc/self/status")
        .FirstOrDefault(line => line.StartsWith("Uid:", StringComparison.Ordinal)) is { } uid
        && uid.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is [_, _, "0", ..];
}
