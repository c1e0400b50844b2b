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
        var seedNodes = new Option<string>("--seed-nodes")
        {
            Description = "HOST:PORT[,HOST:PORT...] cluster endpoints of monitor nodes to join (overrides monitor.cluster.seed-nodes). " +
                "None: this node starts a cluster of its own.",
        };
        var clusterPort = new Option<string>("--cluster-port")
        {
            Description = "Port of this node's cluster endpoint, between monitors only (overrides monitor.cluster.port; 0 picks a free one).",
        };
        var clusterHostname = new Option<string>("--cluster-hostname")
        {
            Description = "Address of this node's cluster endpoint, as the other monitors reach it (overrides monitor.cluster.hostname).",
        };
        var command = new Command("monitor", "Run a monitor node: the TLS 1.3 mutual-auth listener that verifies watchers' sealed messages and serves admin " +
            "consoles, and a member of the monitor cluster (Akka.Cluster) where one node at a time runs the monitor singleton.")
        {
            config, pki, identity, listen, data, nodeId, advertise, seedNodes, clusterPort, clusterHostname,
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
                ["monitor:cluster:seed-nodes"] = parse.GetValue(seedNodes),
                ["monitor:cluster:port"] = parse.GetValue(clusterPort),
                ["monitor:cluster:hostname"] = parse.GetValue(clusterHostname),
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
            PrivateFiles.CreateDirectory(options.DataDirectory);
            MonitorNode node;
            try
            {
                node = await MonitorNode.StartAsync(options, loggers, TimeProvider.System, cancellationToken: cancellation);
            }
            catch (InsecureFileModeException error)
            {
                throw new CliException($"cannot load the PKI: {error.Message}", ExitCodes.NoPermission, error);
            }
            catch (PkiException error)
            {
                throw new CliException($"cannot load the PKI: {error.Message} (create one with 'securemonitor pki init --dir DIR')", ExitCodes.DataError, error);
            }
            catch (MonitorStartException error)
            {
                throw new CliException($"cannot start: {error.Message}", ExitCodes.Failure, error);
            }
            catch (SecureMonitor.Transport.Listening.PortInUseException error)
            {
                throw new CliException($"cannot start: {error.Message}", ExitCodes.PortInUse, error);
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
                var singleton = cluster.IsLeader ? $"the singleton runs here (lease epoch {cluster.Epoch})"
                    : $"the singleton runs on {cluster.LeaderNodeId ?? "(not known yet)"}{(cluster.LeaderEndpoint is { } at ? " at " + at : "")}";
                output.WriteLine($"SecureMonitor monitor {options.NodeId}: role monitor; listening on {node.Endpoint} (TLS 1.3, mutual auth), advertised as {cluster.Endpoint}; " +
                    $"cluster {node.ClusterAddress} (TLS 1.2, monitors only){(options.SeedNodes.Count == 0 ? ", a cluster of its own" : $", seeds {string.Join(",", options.SeedNodes)}")}; {singleton}");
                output.WriteLine($"  PKI {options.PkiDirectory}{(options.IdentityDirectory is { } identityDirectory ? $", identity {identityDirectory}" : "")}; store {options.Store.Describe(options.DataDirectory)}; notify {options.Notifications}. Ctrl-C stops.");
                try
                {
                    await node.Left.WaitAsync(cancellation);
                    // Left the cluster (lost the store, or downed on the minority side of a split): a fresh
                    // process rejoins; its supervisor (systemd, compose) restarts it.
                    output.WriteLine("Left the monitor cluster; exiting so this node can be restarted.");
                    return ExitCodes.TempFailure;
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
