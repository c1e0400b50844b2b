using System.CommandLine;
using SecureMonitor.Cli.Hosting;
using SecureMonitor.Transport;
using SecureMonitor.Watcher;

namespace SecureMonitor.Cli.Commands;

/// <summary><c>securemonitor watcher</c>: runs the agent on this host until Ctrl-C or SIGTERM.</summary>
public static class WatcherCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c") { Description = "HOCON configuration (default: the shipped hocon/watcher.conf)." };
        var identity = new Option<DirectoryInfo>("--identity") { Description = "Identity bundle from 'securemonitor pki issue-watcher HOST' (overrides watcher.identity-dir)." };
        var monitors = new Option<string>("--monitor") { Description = "Monitor endpoints HOST:PORT[,HOST:PORT...] (overrides watcher.monitors)." };
        var data = new Option<DirectoryInfo>("--data") { Description = "Data directory for the spool and local state (overrides watcher.data-dir)." };
        var command = new Command("watcher", "Run the watcher agent on this host: samplers, thresholds and the sealed, spooled sender.")
        {
            config, identity, monitors, data,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            if (parse.GetValue(monitors) is { } list)
            {
                ParseMonitors(list); // a bad flag is a usage error (64), not a configuration error
            }
            var configuration = NodeConfiguration.Load(parse.GetValue(config)?.FullName ?? NodeConfiguration.ShippedFile("watcher"), new Dictionary<string, string?>
            {
                ["watcher:identity-dir"] = parse.GetValue(identity)?.FullName,
                ["watcher:data-dir"] = parse.GetValue(data)?.FullName,
                ["watcher:monitors"] = parse.GetValue(monitors),
            });
            var options = NodeConfiguration.Read(() => WatcherOptions.FromConfiguration(configuration));
            options = options with
            {
                IdentityDirectory = Path.GetFullPath(options.IdentityDirectory),
                DataDirectory = Path.GetFullPath(options.DataDirectory),
            };

            using var loggers = Logging.CreateLean(configuration);
            WatcherNode node;
            try
            {
                node = WatcherNode.Start(options, loggers, TimeProvider.System);
            }
            catch (WatcherStartException error)
            {
                throw new CliException(error.Message, ExitCodes.ForUnusableFile(error), error);
            }

            await using (node)
            {
                var output = parse.InvocationConfiguration.Output;
                output.WriteLine($"SecureMonitor watcher {node.HostId}: reporting to {string.Join(", ", options.Monitors)}; data {options.DataDirectory}. Ctrl-C stops.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellation);
                }
                catch (OperationCanceledException)
                {
                    output.WriteLine("Stopping; undelivered messages stay in the spool.");
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static IReadOnlyList<MonitorEndpoint> ParseMonitors(string text)
    {
        try
        {
            return MonitorEndpoint.ParseList(text);
        }
        catch (FormatException error)
        {
            throw new CliException($"--monitor: {error.Message}", ExitCodes.Usage, error);
        }
    }
}
