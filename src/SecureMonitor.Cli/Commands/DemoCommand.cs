using System.CommandLine;
using SecureMonitor.Cli.Demo;

namespace SecureMonitor.Cli.Commands;

/// <summary>
/// <c>securemonitor demo</c>: the whole product on this machine in a temporary directory (PKI, a
/// monitor, three watchers, a DoS episode played by the simulator), narrated; until Ctrl-C or
/// <c>--duration</c>, then everything is stopped and deleted. Exit 0 when the monitor reacted to
/// the episode as expected, 1 when not (or a node failed), 130 when interrupted.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var duration = new Option<string>("--duration")
        {
            Description = "Stop this long after starting (at the earliest when the DoS episode is over), e.g. 2m; default: run until Ctrl-C.",
        };
        var watchers = new Option<int>("--watchers") { Description = "Virtual watchers in the DoS episode.", DefaultValueFactory = _ => 8 };
        var command = new Command("demo",
            "Run a self-contained demonstration on this machine: PKI, one monitor, three watchers and a DoS episode, narrated; Ctrl-C stops it and cleans up.")
        {
            duration, watchers,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            TimeSpan? limit = parse.GetValue(duration) is null ? null : SimulateCommand.Duration(parse, duration, "--duration");
            var count = parse.GetValue(watchers);
            if (count is < 3 or > 1_000)
            {
                throw new CliException($"--watchers: {count} is not between 3 and 1000 (the episode needs as many hosts as the monitor correlates)", ExitCodes.Usage);
            }
            return await DemoRun.RunAsync(limit, count, parse.InvocationConfiguration.Output, cancellation);
        });
        return command;
    }
}
