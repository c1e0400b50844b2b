using System.CommandLine;
using SecureMonitor.Cli.Hosting;
using SecureMonitor.Monitor;
using SecureMonitor.Monitor.Node;
using SecureMonitor.Pki;

namespace SecureMonitor.Cli.Commands;

/// <summary><c>securemonitor monitor</c>: runs one monitor node until Ctrl-C or SIGTERM.</summary>
public static class MonitorCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c") { Description = "HOCON configuration (default: the shipped hocon/monitor.conf)." };
        var pki = new Option<DirectoryInfo>("--pki") { Description = "PKI directory from 'securemonitor pki init' (overrides monitor.pki-dir)." };
        var identity = new Option<DirectoryInfo>("--identity")
        {
            Description = "This node's own identity from 'securemonitor pki add-monitor' (DIR/monitors/NAME; overrides monitor.identity-dir). " +
                "Default: the PKI directory's monitor certificate. The key ring and revocation list still come from --pki.",
        };
        var listen = new Option<string>("--listen") { Description = "ADDRESS:PORT to listen on (overrides monitor.listen)." };
        var data = new Option<DirectoryInfo>("--data") { Description = "Data directory (overrides monitor.data-dir)." };
        var nodeId = new Option<string>("--node-id") { Description = "This node's name in the cluster, unique among monitor nodes (overrides monitor.node-id)." };
        var advertise = new Option<string>("--advertise")
        {
            Description = "HOST:PORT that other nodes send redirected watchers to (overrides monitor.advertise; default: the listen address).",
        };
        var command = new Command("monitor", "Run a monitor node: the TLS 1.3 mutual-auth listener that verifies watchers' sealed messages and serves admin consoles.")
        {
            config, pki, identity, listen, data, nodeId, advertise,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            if (parse.GetValue(listen) is { } text)
            {
                ParseListen(text); // a bad flag is a usage error (64), not a configuration error
            }
            var configuration = NodeConfiguration.Load(parse.GetValue(config)?.FullName ?? NodeConfiguration.ShippedFile("monitor"), new Dictionary<string, string?>
            {
                ["monitor:pki-dir"] = parse.GetValue(pki)?.FullName,
                ["monitor:identity-dir"] = parse.GetValue(identity)?.FullName,
                ["monitor:data-dir"] = parse.GetValue(data)?.FullName,
                ["monitor:listen"] = parse.GetValue(listen),
                ["monitor:node-id"] = parse.GetValue(nodeId),
                // monitor.advertise defaults to the listen address in the file; a --listen flag moves it
                // too unless the advertised address was set on its own.
                ["monitor:advertise"] = parse.GetValue(advertise)
                    ?? (Environment.GetEnvironmentVariable("SM_MONITOR_ADVERTISE") is null ? parse.GetValue(listen) : null),
            });
            var options = NodeConfiguration.Read(() => MonitorOptions.FromConfiguration(configuration));
            options = options with
            {
                PkiDirectory = Path.GetFullPath(options.PkiDirectory),
                IdentityDirectory = options.IdentityDirectory is { } own ? Path.GetFullPath(own) : null,
                DataDirectory = Path.GetFullPath(options.DataDirectory),
            };

            using var loggers = Logging.Create(configuration);
            Directory.CreateDirectory(options.DataDirectory);
            MonitorNode node;
            try
            {
                node = await MonitorNode.StartAsync(options, loggers, TimeProvider.System, cancellationToken: cancellation);
            }
            catch (PkiException error)
            {
                throw new CliException($"cannot load the PKI: {error.Message} (create one with 'securemonitor pki init --dir DIR')", ExitCodes.DataError, error);
            }
            catch (MonitorStartException error)
            {
                throw new CliException($"cannot start: {error.Message}", ExitCodes.Failure, error);
            }
            catch (System.Net.Sockets.SocketException error)
            {
                throw new CliException($"cannot listen on {options.Listen}: {error.Message}", ExitCodes.Failure, error);
            }
            catch (System.Data.Common.DbException error)
            {
                // Driver messages name the server and the failure, never the connection string's password.
                throw new CliException($"cannot open the store ({options.Store.Describe(options.DataDirectory)}): {error.Message}", ExitCodes.Failure, error);
            }

            await using (node)
            {
                var output = parse.InvocationConfiguration.Output;
                var cluster = node.Cluster;
                var role = cluster.IsLeader ? $"leader (epoch {cluster.Epoch})"
                    : $"follower (leader: {cluster.LeaderNodeId ?? "none yet"}{(cluster.LeaderEndpoint is { } at ? " at " + at : "")})";
                output.WriteLine($"SecureMonitor monitor {options.NodeId}: role {role}, listening on {node.Endpoint} (TLS 1.3, mutual auth), advertised as {cluster.Endpoint}");
                output.WriteLine($"  PKI {options.PkiDirectory}{(options.IdentityDirectory is { } identityDirectory ? $", identity {identityDirectory}" : "")}; store {options.Store.Describe(options.DataDirectory)}; notify {options.Notifications}. Ctrl-C stops.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellation);
                }
                catch (OperationCanceledException)
                {
                    output.WriteLine("Stopping.");
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static System.Net.IPEndPoint ParseListen(string text)
    {
        try
        {
            return MonitorOptions.ParseEndpoint(text);
        }
        catch (FormatException error)
        {
            throw new CliException($"--listen: {error.Message}", ExitCodes.Usage, error);
        }
    }
}
