using System.Diagnostics;
using System.Text.RegularExpressions;
using SecureMonitor.Simulation.Processes;
using SecureMonitor.TestKit.Processes;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.Cli.Tests;

/// <summary><c>securemonitor demo</c> as a real process, with its own child processes: it narrates the incident and leaves nothing behind.</summary>
public sealed partial class DemoCommandTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_demo_runs_to_its_duration_narrates_the_incident_and_removes_its_directory()
    {
        await using var demo = SecureMonitorProcess.Start(["demo", "--duration", "1s"]);

        var code = await demo.WaitForExitAsync(Bound);
        var narration = string.Join('\n', demo.Lines);
        output.WriteLine(narration);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Matches(@">> INCIDENT INC-\S+ opened \(critical\): Possible DoS", narration);
        Assert.Contains("PASS  one incident", narration);
        Assert.Matches(@"admin --identity \S+/pki/admins/admin --monitor 127\.0\.0\.1:\d+", narration);
        AssertCleanedUp(narration);
    }

    [Fact]
    public async Task Ctrl_c_stops_the_demos_nodes_and_removes_its_directory()
    {
        await using var demo = SecureMonitorProcess.Start(["demo"]);
        await demo.WaitForLinesAsync(line => line.Contains(">> INCIDENT", StringComparison.Ordinal), 1, "the incident", Bound);

        Assert.True(Signals.Send(demo.Id, Signals.Interrupt), "SIGINT (Ctrl-C) could not be sent");
        var code = await demo.WaitForExitAsync(Bound);
        var narration = string.Join('\n', demo.Lines);
        output.WriteLine(narration);

        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.Contains("Interrupted.", narration);
        AssertCleanedUp(narration);
    }

    private static void AssertCleanedUp(string narration)
    {
        var directory = WorkingIn().Match(narration).Groups["directory"].Value;
        Assert.NotEqual("", directory);
        Assert.Contains($"Removed {directory}.", narration);
        Assert.False(Directory.Exists(directory), $"{directory} is left behind");
        var children = ChildPid().Matches(narration).Select(match => int.Parse(match.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, children.Count); // the monitor and three watchers
        Assert.All(children, pid => Assert.False(IsRunning(pid), $"child {pid} is still running"));
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"Working in (?<directory>\S+);")]
    private static partial Regex WorkingIn();

    [GeneratedRegex(@"\(pid (?<pid>\d+)\)")]
    private static partial Regex ChildPid();
}
