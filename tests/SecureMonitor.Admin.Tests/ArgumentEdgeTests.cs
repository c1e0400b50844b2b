using SecureMonitor.Admin.Tests.Properties;
using SecureMonitor.Monitor.Admin;

namespace SecureMonitor.Admin.Tests;

/// <summary>
/// Console lines that once escaped the commands as exceptions (found by <see cref="AdminArgumentProperties"/>;
/// the command handler turned them into "internal error"): each is now a refusal that says why.
/// </summary>
public sealed class ArgumentEdgeTests : IDisposable
{
    private readonly AdminLineRunner _runner = new("web-01");

    [Theory]
    [InlineData("alerts --since '10675199d' --severity 'web_01' --limit '0s'")]
    [InlineData("alerts --since 10675199d")]
    [InlineData("audit --since 9999999d")]
    public void A_since_window_reaching_past_the_start_of_time_is_a_usage_error(string line) =>
        Assert.Equal(AdminLineRunner.Outcome.Refused, _runner.Run(line));

    [Fact]
    public void Since_is_a_window_back_from_now_that_may_not_reach_before_1970()
    {
        var now = new DateTimeOffset(2026, 12, 8, 3, 0, 0, TimeSpan.Zero);

        Assert.Equal(now.AddMinutes(-10), Parse("--since", "10m").Since("--since", now));
        Assert.Null(Parse().Since("--since", now));
        var error = Assert.Throws<AdminCommandException>(() => Parse("--since", "30000d").Since("--since", now));
        Assert.True(error.IsUsage);
        Assert.Contains("--since '30000d' reaches back before 1970", error.Message);

        static AdminArguments Parse(params string[] arguments) => AdminArguments.Parse(arguments, "test [--since 10m]", (0, 0), ["--since"]);
    }

    [Fact]
    public void A_key_grace_period_ending_after_the_year_9999_is_refused()
    {
        Assert.Equal(AdminLineRunner.Outcome.Refused, _runner.Run("keys rotate web-01 --grace 10675199d"));
        Assert.Equal(AdminLineRunner.Outcome.Parsed, _runner.Run("keys rotate web-01 --grace 3650d"));
    }

    public void Dispose() => _runner.Dispose();
}
