using Xunit;

namespace SecureMonitor.Cli.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_lists_every_sub_command()
    {
        var run = await CliRun.InvokeAsync("--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (var command in new[] { "monitor", "watcher", "admin", "pki", "simulate", "demo", "config" })
        {
            Assert.Matches($@"(?m)^\s+{command}\s", run.Output);
        }
    }

    [Theory]
    [InlineData("monitor")]
    [InlineData("watcher")]
    [InlineData("admin")]
    [InlineData("pki")]
    [InlineData("simulate")]
    [InlineData("demo")]
    [InlineData("config")]
    public async Task Every_sub_command_has_help(string command)
    {
        var run = await CliRun.InvokeAsync(command, "--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("Usage:", run.Output);
    }

    [Fact]
    public async Task Version_prints_the_product_version()
    {
        var run = await CliRun.InvokeAsync("--version");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", run.Output);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error()
    {
        var run = await CliRun.InvokeAsync("frobnicate");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("frobnicate", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }
}
