using SecureMonitor.TestKit;
using System.Diagnostics;
using Xunit;

namespace SecureMonitor.Cli.Tests;

/// <summary>The repository-root <c>./securemonitor</c> script, run as a real process.</summary>
public sealed class LauncherTests
{
    [Fact]
    public async Task The_launcher_builds_and_runs_the_cli_from_any_directory()
    {
        var start = new ProcessStartInfo("bash", [RepositoryRoot.File("securemonitor"), "--help"])
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // A first run builds the CLI; bound the wait generously rather than hoping.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(deadline.Token);

        Assert.True(process.ExitCode == 0, await error);
        Assert.Contains("simulate", await output);
    }
}
