using System.CommandLine;
using SecureMonitor.Cli.Commands;

namespace SecureMonitor.Cli;

/// <summary>
/// Builds the <c>securemonitor</c> command tree and runs it. Every failure reaches the operator as
/// one plain message and a meaningful exit code (<see cref="ExitCodes"/>), never a stack trace.
/// </summary>
public static class CliApplication
{
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand(
            "SecureMonitor: secure host monitoring. Watchers sample every host and send sealed alerts " +
            "over mutual TLS 1.3 to a monitor cluster that correlates them into incidents.");
        root.Subcommands.Add(MonitorCommand.Create());
        root.Subcommands.Add(WatcherCommand.Create());
        root.Subcommands.Add(AdminCommand.Create());
        root.Subcommands.Add(PkiCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRootCommand();
        var parseResult = root.Parse(args);
        // Ctrl-C and SIGTERM cancel the command, which then has this long to stop its parts (the demo
        // stops its child nodes and deletes its directory) before the process ends anyway.
        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
        };
        if (AdminCommand.HandlesInterrupts(parseResult))
        {
            invocation.ProcessTerminationTimeout = null; // Ctrl-C stops the running admin command, not the console
        }
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync($"securemonitor: {parseError.Message}");
            }
            await error.WriteLineAsync("Run 'securemonitor --help' (or '<command> --help') for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parseResult.InvokeAsync(invocation);
        }
        catch (CliException failure)
        {
            await error.WriteLineAsync($"securemonitor: {failure.Message}");
            return failure.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception unexpected)
        {
            // A bug, not an operator mistake: one line, the type and message, no stack trace.
            await error.WriteLineAsync($"securemonitor: internal error: {unexpected.GetType().Name}: {unexpected.Message}");
            return ExitCodes.Software;
        }
    }
}
