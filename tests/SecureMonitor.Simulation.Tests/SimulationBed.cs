using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.Notifications;
using SecureMonitor.Simulation.Observation;
using SecureMonitor.Simulation.Running;
using SecureMonitor.Simulation.Scenarios;
using SecureMonitor.TestKit.Monitors;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.Simulation.Tests;

/// <summary>
/// A real monitor node (in-process, TLS 1.3 on loopback, SQLite store) with short settings, its
/// incident webhook pointed at a <see cref="WebhookIncidentReceiver"/>, and the run's virtual
/// identities issued before it starts (so it knows their keys at once). Everything the scenarios
/// check is observable here: refusal counters over the admin protocol, incidents through the
/// webhook, security alerts and liveness changes from the node itself.
/// </summary>
internal sealed class SimulationBed : IAsyncDisposable
{
    /// <summary>Short enough for tests: a storm of 20, 50 messages/s per host, Down after 3 s.</summary>
    public static readonly MonitorSettings Quick = new()
    {
        MinHosts = 3,
        Window = TimeSpan.FromSeconds(10),
        StormAlerts = 20,
        DownAfter = TimeSpan.FromSeconds(3),
        HostMessagesPerSecond = 50,
        TamperThreshold = 3,
        TamperWindow = TimeSpan.FromSeconds(60),
    };

    private readonly TestOutputWriter _output;

    private SimulationBed(PkiFixture pki, VirtualIdentities identities, WebhookIncidentReceiver receiver, MonitorHarness harness, TestOutputWriter output)
    {
        Pki = pki;
        Identities = identities;
        Receiver = receiver;
        Harness = harness;
        _output = output;
    }

    public PkiFixture Pki { get; }

    public VirtualIdentities Identities { get; }

    public WebhookIncidentReceiver Receiver { get; }

    public MonitorHarness Harness { get; }

    /// <summary>Everything the run printed.</summary>
    public string Output => _output.Text;

    /// <param name="actual">What the monitor really runs with; the simulator assumes <see cref="Quick"/> unless told otherwise.</param>
    public static async Task<SimulationBed> StartAsync(int watchers, ITestOutputHelper output, MonitorSettings? actual = null)
    {
        actual ??= Quick;
        var pki = new PkiFixture();
        VirtualIdentities? identities = null;
        WebhookIncidentReceiver? receiver = null;
        try
        {
            identities = VirtualIdentities.Issue(pki.Root, VirtualIdentities.NewRunId(), watchers);
            var token = WebhookIncidentReceiver.NewToken();
            receiver = WebhookIncidentReceiver.Start(token: token);
            var harness = await MonitorHarness.StartAsync(pki, new MonitorHarnessOptions
            {
                Correlation = new CorrelationOptions
                {
                    MinHosts = actual.MinHosts,
                    Window = actual.Window,
                    StormAlerts = actual.StormAlerts,
                    QuietPeriod = TimeSpan.FromMinutes(1),
                },
                Liveness = new HostLivenessOptions { DownAfter = actual.DownAfter },
                HostMessagesPerSecond = actual.HostMessagesPerSecond,
                TamperThreshold = actual.TamperThreshold,
                TamperWindow = actual.TamperWindow,
                Notifications = new NotificationSettings { WebhookUrl = receiver.Url, WebhookToken = token },
            });
            return new SimulationBed(pki, identities, receiver, harness, new TestOutputWriter(output));
        }
        catch
        {
            identities?.Dispose();
            if (receiver is not null)
            {
                await receiver.DisposeAsync();
            }
            pki.Dispose();
            throw;
        }
    }

    public SimulationSettings Settings(TimeSpan duration, MonitorSettings? assumed = null) => new()
    {
        Monitor = Harness.Endpoint,
        PkiDirectory = Pki.Root,
        Watchers = Identities.Watchers.Count,
        Duration = duration,
        HeartbeatInterval = TimeSpan.FromMilliseconds(500),
        SampleInterval = TimeSpan.FromMilliseconds(500),
        ProgressInterval = TimeSpan.FromSeconds(2),
        KeyRingSettle = TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        Seed = 8,
        MonitorSettings = assumed ?? Quick,
    };

    /// <summary>Runs a scenario with every observer; <paramref name="observers"/> replaces them when given.</summary>
    public async Task<SimulationReport> RunAsync(string scenario, TimeSpan duration, MonitorSettings? assumed = null,
        IReadOnlyList<IMonitorObserver>? observers = null)
    {
        Assert.True(ScenarioCatalog.TryCreate(scenario, out var chosen), scenario);
        using var deadline = new CancellationTokenSource(duration + TimeSpan.FromSeconds(60));
        var report = await SimulationRunner.RunAsync(Settings(duration, assumed), chosen, _output, new SimulationHooks
        {
            Identities = Identities,
            Observers = observers ?? [Receiver, new HarnessObserver(Harness)],
        }, deadline.Token);
        report.WriteTo(_output);
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.DisposeAsync();
        await Receiver.DisposeAsync();
        Identities.Dispose();
        Pki.Dispose();
    }
}

/// <summary>
/// What the in-process node raised itself: its security alerts (the harness records them) and its
/// liveness changes, read from its log with the same parser the demo uses on a monitor process.
/// </summary>
internal sealed class HarnessObserver(MonitorHarness harness) : MonitorObserver
{
    public override IReadOnlyList<string> Sources => ["security alerts and host liveness: the in-process monitor node"];

    protected override string Name => "the in-process node";

    public override Task<Observation<IReadOnlyList<SecurityAlertSighting>>> SecurityAlertsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Observation<IReadOnlyList<SecurityAlertSighting>>.Of([.. harness.SecurityAlerts.Alerts.Select(alert =>
            new SecurityAlertSighting(alert.HostId, "tampering suspected", $"{alert.Failures} integrity failures", alert.At))]));

    public override Task<Observation<IReadOnlyList<HostStateSighting>>> HostStatesAsync(CancellationToken cancellationToken)
    {
        var log = new MonitorLogObserver();
        foreach (var line in harness.Logs.Lines)
        {
            log.Observe(line.Message);
        }
        return log.HostStatesAsync(cancellationToken);
    }
}
