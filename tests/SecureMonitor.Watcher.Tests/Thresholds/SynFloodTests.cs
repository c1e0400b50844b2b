using Akka.Actor;
using Akka.TestKit;
using Microsoft.Extensions.Configuration;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Configuration;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Sampling;
using SecureMonitor.Sampling.Tcp;
using SecureMonitor.Simulation.Processes;
using SecureMonitor.TestKit.Processes;
using SecureMonitor.Watcher.Delivery;
using SecureMonitor.Watcher.Sampling;
using SecureMonitor.TestKit;
using SecureMonitor.Watcher.Thresholds;

namespace SecureMonitor.Watcher.Tests.Thresholds;

/// <summary>
/// A real, bounded SYN flood (hping3) inside a network namespace the test makes (<c>unshare -n</c>), watched by
/// the watcher's own sampler and rule actors with the rules shipped in hocon/watcher.conf, on real time (the
/// kernel's counters move in real time). The sampler reads the namespace's counters through
/// <c>/proc/PID/net</c> of the process that holds it, so the host's own traffic does not count.
/// </summary>
public sealed class SynFloodTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly string[] FloodRules = ["syn-cookies", "listen-overflows", "listen-drops", "failed-attempts", "resets-sent"];

    /// <summary>
    /// Runs in the namespace: two listeners nobody accepts from, A with room (the flood's SYN-ACKs reach
    /// hping3's host, loopback, which resets them: AttemptFails, OutRsts) and B with a full accept queue (SYNs
    /// dropped: ListenOverflows, ListenDrops). Once told to go: 3 s of flood at both, then 2 s at A with
    /// tcp_syncookies = 2 (this namespace's own setting), so every SYN is answered with a cookie
    /// (SyncookiesSent). It then holds the namespace until killed (at most a minute).
    /// </summary>
    private const string Driver = """
        import os, socket, subprocess, sys, time
        go, hping3 = sys.argv[1], sys.argv[2]
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen(128)
        b = socket.socket(); b.bind(("127.0.0.1", 0)); b.listen(0)
        held = socket.create_connection(b.getsockname())
        print("ready", flush=True)
        deadline = time.monotonic() + 60
        while not os.path.exists(go):
            if time.monotonic() > deadline:
                sys.exit("never told to go")
            time.sleep(0.02)
        def flood(port, seconds):
            return subprocess.Popen(["timeout", str(seconds), hping3, "-q", "-S", "--flood", "-p", str(port), "127.0.0.1"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for p in [flood(a.getsockname()[1], 3), flood(b.getsockname()[1], 3)]:
            p.wait()
        with open("/proc/sys/net/ipv4/tcp_syncookies", "w") as f:
            f.write("2")
        flood(a.getsockname()[1], 2).wait()
        print("done", flush=True)
        time.sleep(60)
        """;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>Runs without root: the shipped configuration watches every flood signal, and reads the socket tables every second.</summary>
    [Fact]
    public void The_shipped_watcher_conf_has_a_rule_for_every_flood_signal_and_reads_the_socket_tables_every_second()
    {
        var options = ShippedOptions();
        var parsed = ThresholdRuleSet.Parse(1, options.Thresholds);

        Assert.True(parsed.Succeeded, string.Join("; ", parsed.Errors));
        Assert.Equal(
            [MetricNames.TcpSynRecv, MetricNames.TcpSyncookiesSent, MetricNames.TcpListenOverflows, MetricNames.TcpListenDrops,
             MetricNames.TcpAttemptFails, MetricNames.TcpOutRsts],
            parsed.RuleSet!.Rules.Select(rule => rule.Metric).Where(metric => metric.StartsWith("tcp.", StringComparison.Ordinal)));
        Assert.Equal(TimeSpan.FromSeconds(1), options.TcpSocketsInterval);
    }

    [RequiresRootAndHping3Fact]
    public async Task A_bounded_SYN_flood_fires_each_shipped_flood_rule_exactly_once_and_resolves_it()
    {
        var options = ShippedOptions();
        var parsed = ThresholdRuleSet.Parse(1, options.Thresholds);
        Assert.True(parsed.Succeeded, string.Join("; ", parsed.Errors));

        string go = Path.Combine(Path.GetTempPath(), $"sm-synflood-{Guid.NewGuid():N}");
        await using var namespaced = ChildProcess.Start("netns", RequiresRootAndHping3FactAttribute.OnPath("unshare")!,
            ["-n", "--", "python3", "-c", Driver, go, ExternalTool.Hping3.Require()]);
        try
        {
            await namespaced.WaitForLinesAsync(line => line == "ready", 1, "the namespace's listeners", Bound);

            string procRoot = $"/proc/{namespaced.Id}";
            var sampler = new HostSampler(
                [new TcpCountersSampler(procRoot, TimeProvider.System), new TcpSocketStateSampler(procRoot, TimeProvider.System, options.TcpSocketsInterval)],
                TimeProvider.System);
            var deliveries = CreateTestProbe("deliveries");
            var metrics = CreateTestProbe("metrics");
            var rules = Sys.ActorOf(Props.Create(() => new RulesActor(parsed.RuleSet!, deliveries)), "rules");
            Sys.ActorOf(Props.Create(() => new SamplerActor(() => sampler.Sample().Values, options.SamplingInterval, rules, metrics)), "sampler");

            // Rates need two readings: flood only once the quiet namespace has given one.
            await metrics.FishForMessageAsync<LatestMetrics>(m => m.Values.ContainsKey(MetricNames.TcpAttemptFails), Bound);
            await File.WriteAllTextAsync(go, "");
            await namespaced.WaitForLinesAsync(line => line == "done", 1, "the floods (5 s)", Bound);

            // Every flood rule has opened and closed again (rates fall to 0 within two samples of the end).
            var alerts = new List<Alert>();
            var deadline = DateTime.UtcNow + Bound;
            while (!FloodRules.All(id => Openings(alerts, id) >= 1 && alerts.Last(a => a.RuleId == id).State == AlertState.Resolved))
            {
                var left = deadline - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero, "not every flood rule fired and resolved within the bound:\n" + Describe(alerts));
                alerts.Add(deliveries.ExpectMsg<Deliver>(left).Message.Alert);
            }

            foreach (var id in FloodRules)
            {
                Assert.True(Openings(alerts, id) == 1, $"{id} opened {Openings(alerts, id)} times in one episode:\n{Describe(alerts)}");
            }
        }
        finally
        {
            File.Delete(go);
        }
    }

    private static WatcherOptions ShippedOptions() => WatcherOptions.FromConfiguration(new ConfigurationBuilder()
        .AddHoconFile(RepositoryRoot.File("hocon", "watcher.conf"), environment: static _ => null).Build());

    /// <summary>How many times the rule's alert opened: a firing alert after none, or after a resolution.</summary>
    private static int Openings(IEnumerable<Alert> alerts, string ruleId)
    {
        int openings = 0;
        bool open = false;
        foreach (var alert in alerts.Where(a => a.RuleId == ruleId))
        {
            if (alert.State == AlertState.Firing && !open)
            {
                openings++;
            }
            open = alert.State == AlertState.Firing;
        }
        return openings;
    }

    private static string Describe(IEnumerable<Alert> alerts) =>
        string.Join('\n', alerts.Select(a => $"{a.RuleId} {a.State} {a.Severity} {a.Summary}"));
}
