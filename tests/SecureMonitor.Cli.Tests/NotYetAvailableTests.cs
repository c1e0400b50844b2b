using Xunit;

namespace SecureMonitor.Cli.Tests;

public sealed class NotYetAvailableTests
{
    [Theory]
    [InlineData("admin", "status")]
    public async Task Unbuilt_commands_say_so_and_exit_69_without_output(params string[] args)
    {
        var run = await CliRun.InvokeAsync(args);

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Contains("not available yet", run.Error);
        Assert.Equal("", run.Output);
    }
}
