using System.CommandLine;
using System.Net;
using SecureMonitor.Cli.Hosting;
using SecureMonitor.Configuration.Units;
using SecureMonitor.Monitor;
using SecureMonitor.Pki;
using SecureMonitor.Simulation.Observation;
using SecureMonitor.Simulation.Running;
using SecureMonitor.Simulation.Scenarios;
using SecureMonitor.Transport;

namespace SecureMonitor.Cli.Commands;

/// <summary>
/// <c>securemonitor simulate</c>: N virtual watchers, each with an identity issued on the fly from
/// the CA, play a scenario against a running monitor over real TLS with real sealing; the run ends
/// with a summary and the verdict as the exit code (0 as expected, 1 not, 69 monitor unreachable).
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var monitor = new Option<string>("--monitor") { Description = "The monitor to test, HOST:PORT.", Required = true };
        var pki = new Option<DirectoryInfo>("--pki")
        {
            Description = "PKI directory with the CA (and its key) that issued the monitor's certificate; the virtual identities are issued from it and revoked afterwards.",
            Required = true,
        };
        var scenario = new Option<string>("--scenario")
        {
            Description = $"What the virtual watchers do: {string.Join("|", ScenarioCatalog.Names)}.",
            Required = true,
        };
        var watchers = new Option<int>("--watchers") { Description = "How many virtual watchers.", DefaultValueFactory = _ => 10 };
        var duration = new Option<string>("--duration") { Description = "How long the traffic lasts, e.g. 60s, 2m.", DefaultValueFactory = _ => "60s" };
        var heartbeat = new Option<string>("--heartbeat") { Description = "Heartbeat interval of every virtual watcher.", DefaultValueFactory = _ => "2s" };
        var progress = new Option<string>("--progress") { Description = "Interval between progress lines.", DefaultValueFactory = _ => "5s" };
        var seed = new Option<int?>("--seed") { Description = "Seed of every random choice, to repeat a run (default: random, printed)." };
        var monitorConfig = new Option<FileInfo>("--monitor-config")
        {
            Description = "The monitor's configuration (default: the shipped hocon/monitor.conf, with SM_* environment overrides): " +
                "the expectations follow its correlation, liveness, rate and tamper settings.",
        };
        var webhook = new Option<string>("--incidents-webhook")
        {
            Description = "ADDRESS:PORT on 127.0.0.0/8 to receive the monitor's incident webhook on (configure monitor.notify.webhook-url " +
                "to http://ADDRESS:PORT/incidents); without it incidents cannot be observed yet.",
        };
        var command = new Command("simulate",
            "Drive virtual watchers through a scenario against a running monitor over real TLS with real sealing, and check that the monitor reacts as expected.")
        {
            monitor, pki, scenario, watchers, duration, heartbeat, progress, seed, monitorConfig, webhook,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var name = parse.GetRequiredValue(scenario);
            if (!ScenarioCatalog.TryCreate(name, out var chosen))
            {
                throw new CliException($"--scenario: unknown scenario '{name}'; one of {string.Join(", ", ScenarioCatalog.Names)}", ExitCodes.Usage);
            }
            var count = parse.GetValue(watchers);
            if (count is < 1 or > 10_000)
            {
                throw new CliException($"--watchers: {count} is not between 1 and 10000", ExitCodes.Usage);
            }
            var endpoint = ParseEndpoint(parse.GetRequiredValue(monitor));
            var listenForIncidents = parse.GetValue(webhook) is { } text ? ParseLoopback(text) : null;
            var monitorOptions = LoadMonitorOptions(parse.GetValue(monitorConfig));
            var settings = new SimulationSettings
            {
                Monitor = endpoint,
                PkiDirectory = parse.GetRequiredValue(pki).FullName,
                Watchers = count,
                Duration = Duration(parse, duration, "--duration"),
                HeartbeatInterval = Duration(parse, heartbeat, "--heartbeat"),
                ProgressInterval = Duration(parse, progress, "--progress"),
                Seed = parse.GetValue(seed) ?? Random.Shared.Next(),
                MonitorSettings = SettingsOf(monitorOptions),
            };
            if (!File.Exists(new PkiPaths(settings.PkiDirectory).CaKey))
            {
                throw new CliException($"--pki: no CA key in {settings.PkiDirectory}; the simulator issues its identities from the CA (create one with 'securemonitor pki init')",
                    ExitCodes.DataError);
            }

            WebhookIncidentReceiver? receiver = null;
            try
            {
                receiver = listenForIncidents is null ? null : WebhookIncidentReceiver.Start(listenForIncidents, monitorOptions.Notifications.WebhookToken);
                var report = await SimulationRunner.RunAsync(settings, chosen, output,
                    new SimulationHooks { Observers = receiver is null ? [] : [receiver] }, cancellation);
                report.WriteTo(output);
                return report.AsExpected ? ExitCodes.Ok : ExitCodes.Failure;
            }
            catch (System.Net.Sockets.SocketException error)
            {
                throw new CliException($"--incidents-webhook: cannot listen on {listenForIncidents}: {error.Message}", ExitCodes.Usage, error);
            }
            catch (SimulationSettingsException error)
            {
                throw new CliException(error.Message, ExitCodes.Usage, error);
            }
            catch (MonitorUnreachableException error)
            {
                throw new CliException(error.Message, ExitCodes.Unavailable, error);
            }
            catch (PkiException error)
            {
                throw new CliException($"cannot issue the virtual identities: {error.Message}", ExitCodes.DataError, error);
            }
            finally
            {
                if (receiver is not null)
                {
                    await receiver.DisposeAsync();
                }
            }
        });
        return command;
    }

    /// <summary>What the scenarios' expectations depend on, from the monitor's own options.</summary>
    internal static MonitorSettings SettingsOf(MonitorOptions options) => new()
    {
        MinHosts = options.Correlation.MinHosts,
        Window = options.Correlation.Window,
        StormAlerts = options.Correlation.StormAlerts,
        DownAfter = options.Liveness.DownAfter,
        HostMessagesPerSecond = options.HostMessagesPerSecond,
        TamperThreshold = options.TamperThreshold,
        TamperWindow = options.TamperWindow,
    };

    internal static MonitorOptions LoadMonitorOptions(FileInfo? file)
    {
        var configuration = NodeConfiguration.Load(file?.FullName ?? NodeConfiguration.ShippedFile("monitor"));
        return NodeConfiguration.Read(() => MonitorOptions.FromConfiguration(configuration));
    }

    internal static TimeSpan Duration(ParseResult parse, Option<string> option, string name)
    {
        var text = parse.GetValue(option) ?? "";
        if (!DurationFormat.TryParse(text, out var value, out var error))
        {
            throw new CliException($"{name}: {error}", ExitCodes.Usage);
        }
        if (value <= TimeSpan.Zero)
        {
            throw new CliException($"{name}: must be longer than zero", ExitCodes.Usage);
        }
        return value;
    }

    private static MonitorEndpoint ParseEndpoint(string text)
    {
        if (!MonitorEndpoint.TryParse(text, out var endpoint, out var error))
        {
            throw new CliException($"--monitor: {error}", ExitCodes.Usage);
        }
        return endpoint;
    }

    private static IPEndPoint ParseLoopback(string text)
    {
        IPEndPoint endpoint;
        try
        {
            endpoint = MonitorOptions.ParseEndpoint(text);
        }
        catch (FormatException error)
        {
            throw new CliException($"--incidents-webhook: {error.Message}", ExitCodes.Usage, error);
        }
        if (!IPAddress.IsLoopback(endpoint.Address))
        {
            throw new CliException($"--incidents-webhook: {endpoint.Address} is not a loopback address; the receiver listens on 127.0.0.0/8 only", ExitCodes.Usage);
        }
        return endpoint;
    }
}
