using System.Diagnostics;

namespace SecureMonitor.Sampling.Tests.Accuracy;

/// <summary>
/// A fact that needs stress-ng and Debian's python3-psutil (tests/run installs both as root).
/// Without them the test reports as skipped, with the reason; it never passes silently.
/// </summary>
public sealed class RequiresStressNgAndPsutilFactAttribute : FactAttribute
{
    public RequiresStressNgAndPsutilFactAttribute()
    {
        if (ReferenceTools.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}

internal static class ReferenceTools
{
    /// <summary>The system python with the distribution's psutil, not whatever python3 is on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(FindMissing);

    public static string? MissingReason => Missing.Value;

    public static string? StressNg => FindOnPath("stress-ng");

    private static string? FindMissing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux /proc";
        }

        var missing = new List<string>();
        if (StressNg is null)
        {
            missing.Add("stress-ng is not installed (apt-get install stress-ng)");
        }

        if (!PythonHasPsutil())
        {
            missing.Add($"{Python} cannot import psutil (apt-get install python3-psutil)");
        }

        return missing.Count == 0 ? null : string.Join("; ", missing);
    }

    private static bool PythonHasPsutil()
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import psutil"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        });
        if (process is null)
        {
            return false;
        }

        if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            process.Kill();
            return false;
        }

        return process.ExitCode == 0;
    }

    private static string? FindOnPath(string command)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
