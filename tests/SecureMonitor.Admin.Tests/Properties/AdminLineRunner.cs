using System.Net;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.Configuration;
using SecureMonitor.Admin.Console;
using SecureMonitor.Monitor;
using SecureMonitor.Monitor.Admin;
using SecureMonitor.Monitor.Admin.Commands;
using SecureMonitor.Monitor.Admin.Feed;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Thresholds;
using SecureMonitor.Storage;
using SecureMonitor.Transport;

namespace SecureMonitor.Admin.Tests.Properties;

/// <summary>
/// One console line through the console's splitter and command catalog and the monitor's real
/// command, up to the point where the command would reach the store: a node's admin context over a
/// real PKI (one watcher, <c>hostId</c>) and key ring, with a store every call to which ends the run.
/// Refusals are the errors the command handler reports as such; any other exception escapes.
/// </summary>
internal sealed class AdminLineRunner : IDisposable
{
    private readonly PkiFixture _pki;
    private readonly ConnectionIdentity _caller = new(
        new CertificateIdentity(CertificateRole.Admin, "admin", null, "01", "00", DateTimeOffset.MaxValue), new IPEndPoint(IPAddress.Loopback, 1));

    public AdminLineRunner(string hostId)
    {
        _pki = PkiFixture.WithWatchers(hostId);
        Context = NodeContext();
        Commands = CommandsOf(Context);
    }

    public enum Outcome { Refused, Parsed }

    public AdminContext Context { get; }

    /// <summary>The node's commands by wire name (the property checks this is every one of them).</summary>
    public IReadOnlyDictionary<string, IAdminCommand> Commands { get; }

    /// <summary>How many lines got as far as building threshold rules.</summary>
    public int ThresholdPlans { get; private set; }

    /// <summary>Splits, resolves and completes <paramref name="line"/> as the console does, then runs the node's command on its arguments.</summary>
    public Outcome Run(string line)
    {
        _ = CommandCatalog.Complete(line);
        var words = CommandLine.Split(line, out var error);
        if (error is not null)
        {
            return Outcome.Refused;
        }

        if (CommandCatalog.Resolve(words) is not { } resolved)
        {
            Assert.NotEmpty(CommandCatalog.Suggest(words));
            return Outcome.Refused;
        }

        try
        {
            var result = Commands[resolved.Command.Wire].ExecuteAsync(_caller, resolved.Arguments, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            result.Stream?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return Outcome.Parsed;
        }
        catch (UnreachableStore.Reached)
        {
            return Outcome.Parsed; // the arguments were accepted and the command went on to the store
        }
        catch (AdminCommandException refusal)
        {
            // Refused before reaching the store: a usage error, a host the PKI does not know, or a
            // change this stand-in node (with no leader services) cannot make.
            Assert.NotEmpty(refusal.Message);
            if (refusal.IsUsage)
            {
                return Outcome.Refused;
            }

            if (resolved.Command.Wire == "thresholds.set")
            {
                PlanThresholds(resolved.Arguments);
                ThresholdPlans++;
            }

            return Outcome.Parsed;
        }
        catch (PkiException)
        {
            return Outcome.Refused;
        }
    }

    /// <summary>
    /// What the leader's thresholds actor does with settings that parsed: merge them over the shipped
    /// baseline and build every scope's rules, which yields rules or validation errors, nothing else.
    /// </summary>
    private static void PlanThresholds(IReadOnlyList<string> arguments)
    {
        // The command's own parse succeeded on these arguments; this repeats it to get the settings.
        var parsed = AdminArguments.Parse(arguments, "thresholds set", (2, int.MaxValue), ["--wait"]);
        var changes = parsed.Positionals.Skip(1)
            .Select(text => ThresholdSetting.TryParse(text, out var setting, out var error) ? setting : throw new InvalidOperationException(error))
            .ToList();
        var scope = parsed.Positionals[0] == "all" ? ThresholdSettingsRecord.AllHosts : parsed.Positionals[0];
        var candidate = new ThresholdPlan(ShippedBaseline.Value, []).With(
            new ThresholdSettingsRecord(scope, 1, ThresholdPlan.Merge([], changes), "fuzz", DateTimeOffset.UnixEpoch));
        foreach (var host in new[] { null, parsed.Positionals[0] == "all" ? "web-01" : parsed.Positionals[0] })
        {
            var result = candidate.RulesFor(host);
            if (result.RuleSet is { } rules)
            {
                _ = ThresholdPlan.ToUpdate(rules);
            }
        }
    }

    private static readonly Lazy<IReadOnlyList<IReadOnlyDictionary<string, string>>> ShippedBaseline = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "hocon", "monitor.conf")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("no hocon/monitor.conf above the tests");
        }

        return new ConfigurationBuilder().AddHoconFile(Path.Combine(directory.FullName, "hocon", "monitor.conf"), environment: _ => null).Build()
            .GetObjectList("monitor:thresholds:baseline");
    });

    /// <summary>A node's admin context over a real PKI and key ring, with a store that is never reached.</summary>
    private AdminContext NodeContext()
    {
        var time = TimeProvider.System;
        return AdminContext.Create(
            new StaticClusterState("fuzz-1", "127.0.0.1:7800", IsLeader: true, Epoch: 1, "fuzz-1", "127.0.0.1:7800"),
            new MonitorOptions { NodeId = "fuzz-1", Listen = new IPEndPoint(IPAddress.Loopback, 0), PkiDirectory = _pki.Root, DataDirectory = _pki.Root },
            UnreachableStore.Create(), FileKeyring.Open(_pki.Paths, time), new MonitorNodeInfo("fuzz-1", "127.0.0.1:7800", "0.1.0", time.GetUtcNow()),
            new RejectionCounters(new TamperDetector(5, TimeSpan.FromMinutes(1), time, new RecordingSecurityAlertSink()), time, NullLogger<RejectionCounters>.Instance),
            new AdminFeed(), time, NullLoggerFactory.Instance);
    }

    private static Dictionary<string, IAdminCommand> CommandsOf(AdminContext context)
    {
        IAdminCommand[] commands =
        [
            new StatusCommand(context), new ClusterMembersCommand(context), new ClusterLeaderCommand(context), new HostsCommand(context),
            new HostCommand(context), new AlertsCommand(context), new IncidentsCommand(context), new IncidentChangeCommand(context, resolve: false),
            new IncidentChangeCommand(context, resolve: true), new ThresholdsShowCommand(context), new ThresholdsSetCommand(context),
            new KeysRotateCommand(context), new KeysRevokeCommand(context), new TailCommand(context), new AuditCommand(context),
        ];
        return commands.ToDictionary(command => command.Name, StringComparer.Ordinal);
    }

    public void Dispose() => _pki.Dispose();

    /// <summary>A store whose every call throws <see cref="Reached"/>: where a command's parsing ends.</summary>
    public class UnreachableStore : DispatchProxy
    {
        public static IMonitorStore Create() => Create<IMonitorStore, UnreachableStore>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw new Reached(targetMethod?.Name ?? "?");

        public sealed class Reached(string method) : Exception($"the store was reached ({method})");
    }
}
