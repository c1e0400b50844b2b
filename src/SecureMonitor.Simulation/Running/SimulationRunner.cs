using System.Diagnostics;
using SecureMonitor.Pki;
using SecureMonitor.Simulation.Fleet;
using SecureMonitor.Simulation.Observation;
using SecureMonitor.Simulation.Scenarios;
using SecureMonitor.Transport;

namespace SecureMonitor.Simulation.Running;

/// <summary>What a run may be given besides its settings.</summary>
public sealed record SimulationHooks
{
    /// <summary>Identities issued beforehand (for a monitor started after issuing them); null: the run issues and revokes its own.</summary>
    public VirtualIdentities? Identities { get; init; }

    /// <summary>Observers asked before the admin protocol, e.g. a webhook receiver or the monitor's log; the caller disposes them.</summary>
    public IReadOnlyList<IMonitorObserver> Observers { get; init; } = [];

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Called with every progress line as well as writing it (the demo narrates from it).</summary>
    public Action<ProgressSnapshot>? OnProgress { get; init; }
}

/// <summary>The settings cannot make a meaningful run; the message says why (a usage error).</summary>
public sealed class SimulationSettingsException(string message) : Exception(message);

/// <summary>The monitor could not be reached (or refused the simulator's certificate).</summary>
public sealed class MonitorUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Runs one scenario end to end: issues the virtual identities from the CA, connects an observer and
/// the virtual watchers to the monitor, prints progress while the scenario plays, waits for every
/// answer, checks the monitor's reaction, and withdraws the identities again. Whatever happens,
/// connections are closed and identities revoked before it returns or throws.
/// </summary>
public static class SimulationRunner
{
    private const int ParallelConnects = 16;

    /// <exception cref="SimulationSettingsException">The scenario cannot run with these settings.</exception>
    /// <exception cref="MonitorUnreachableException">No connection to the monitor could be made.</exception>
    /// <exception cref="PkiException">The PKI directory has no usable CA.</exception>
    public static async Task<SimulationReport> RunAsync(SimulationSettings settings, Scenario scenario, TextWriter output,
        SimulationHooks? hooks = null, CancellationToken cancellationToken = default)
    {
        hooks ??= new SimulationHooks();
        var problems = scenario.Problems(settings);
        if (settings.Watchers < 1)
        {
            problems = [.. problems, "needs at least one watcher"];
        }
        if (problems.Count > 0)
        {
            throw new SimulationSettingsException($"scenario {scenario.Name}: {string.Join("; ", problems)}");
        }

        var time = hooks.Time;
        var clock = Stopwatch.StartNew();
        output.WriteLine($"simulate {scenario.Name}: {settings.Watchers} virtual watcher(s) against {settings.Monitor} for {Seconds(settings.Duration)} (seed {settings.Seed})");
        output.WriteLine($"  they:     {scenario.Behaviour}");
        output.WriteLine($"  expected: {scenario.Expectation}");
        output.WriteLine($"  monitor settings assumed: {settings.MonitorSettings}");

        await ProbeAsync(settings, cancellationToken);
        var identities = hooks.Identities;
        var ownIdentities = identities is null;
        var watchers = new List<VirtualWatcher>();
        AdminProtocolObserver? admin = null;
        try
        {
            if (identities is null)
            {
                var runId = VirtualIdentities.NewRunId();
                output.WriteLine($"issuing {settings.Watchers} watcher identities and one observer identity (run {runId}) from the CA in {settings.PkiDirectory}");
                identities = VirtualIdentities.Issue(settings.PkiDirectory, runId, settings.Watchers,
                    issued => output.WriteLine($"  {issued} issued"), time);
            }
            if (identities.Watchers.Count < settings.Watchers)
            {
                throw new SimulationSettingsException($"{settings.Watchers} watchers asked for, {identities.Watchers.Count} identities given");
            }

            admin = await ConnectAdminAsync(settings, identities, cancellationToken);
            var observer = new CompositeMonitorObserver([.. hooks.Observers, admin]);
            foreach (var source in observer.Sources)
            {
                output.WriteLine($"  observing {source}");
            }

            if (ownIdentities && settings.KeyRingSettle > TimeSpan.Zero)
            {
                output.WriteLine($"waiting {Seconds(settings.KeyRingSettle)} for the monitor's key ring to load the new keys");
                await Task.Delay(settings.KeyRingSettle, time, cancellationToken);
            }

            watchers.AddRange(identities.Watchers.Take(settings.Watchers).Select(identity => new VirtualWatcher(identity, time)));
            var connected = await ConnectAllAsync(watchers, settings, cancellationToken);
            output.WriteLine($"connected {connected} of {watchers.Count} virtual watcher(s) over TLS 1.3" +
                (connected < watchers.Count ? $"; first failure: {watchers.First(watcher => !watcher.IsConnected).LastProblem}" : ""));
            if (connected == 0)
            {
                throw new MonitorUnreachableException($"no virtual watcher could connect to {settings.Monitor}: {watchers[0].LastProblem}");
            }
            var live = watchers.Where(watcher => watcher.IsConnected).ToList();

            var context = new ScenarioContext(live, settings, observer, time);
            context.Start();
            using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var progress = ReportProgressAsync(context, output, hooks.OnProgress, progressStop.Token);
            try
            {
                await scenario.RunAsync(context, cancellationToken);
                foreach (var watcher in live)
                {
                    await watcher.DrainAsync(settings.ConnectTimeout, cancellationToken);
                }
            }
            finally
            {
                await progressStop.CancelAsync();
                await progress;
            }
            await WriteProgressAsync(context, output, hooks.OnProgress, cancellationToken);

            output.WriteLine("traffic over; checking what the monitor did");
            var checks = new List<Check>();
            if (connected < watchers.Count)
            {
                checks.Add(Check.Of("connected", false, $"all {watchers.Count} virtual watchers connect", $"{connected} connected"));
            }
            checks.AddRange(await scenario.CheckAsync(context, time.GetUtcNow() + settings.ObservationGrace, cancellationToken));

            var counters = await observer.RejectionsAsync(cancellationToken);
            var incidents = await context.OurIncidentsAsync(cancellationToken);
            return new SimulationReport(scenario.Name, settings, identities.RunId, clock.Elapsed, [.. watchers.Select(watcher => watcher.Tally())], connected,
                context.Notes, counters.Observed ? [.. counters.Value!.Where(counter => context.Hosts.Contains(counter.Host))] : null,
                incidents.Observed ? incidents.Value : null, checks, observer.Sources);
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
            if (admin is not null)
            {
                await admin.DisposeAsync();
            }
            if (ownIdentities && identities is not null)
            {
                identities.Revoke();
                identities.Dispose();
            }
        }
    }

    /// <summary>A plain TCP connection first: an unreachable monitor is reported before any identity is issued.</summary>
    private static async Task ProbeAsync(SimulationSettings settings, CancellationToken cancellationToken)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(settings.Monitor.Host, settings.Monitor.Port, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MonitorUnreachableException($"cannot reach the monitor at {settings.Monitor} within {Seconds(settings.ConnectTimeout)}");
        }
        catch (System.Net.Sockets.SocketException error)
        {
            throw new MonitorUnreachableException($"cannot reach the monitor at {settings.Monitor}: {error.Message}", error);
        }
    }

    /// <summary>The admin protocol with the run's observer identity; asked after the caller's observers.</summary>
    private static async Task<AdminProtocolObserver> ConnectAdminAsync(SimulationSettings settings, VirtualIdentities identities,
        CancellationToken cancellationToken)
    {
        AdminProtocolObserver? admin = null;
        try
        {
            admin = await AdminProtocolObserver.ConnectAsync(settings.Monitor, identities.Admin, settings.ConnectTimeout, cancellationToken);
            // Reaching the port is not enough: the monitor must answer an admin command.
            await admin.RunAsync("status", [], cancellationToken);
            return admin;
        }
        catch (Exception error)
        {
            if (admin is not null)
            {
                await admin.DisposeAsync();
            }
            if (error is TransportException)
            {
                throw new MonitorUnreachableException($"cannot reach the monitor at {settings.Monitor}: {error.Message}", error);
            }
            throw;
        }
    }

    private static async Task<int> ConnectAllAsync(List<VirtualWatcher> watchers, SimulationSettings settings, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(ParallelConnects);
        await Task.WhenAll(watchers.Select(async watcher =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await watcher.ConnectAsync(settings.Monitor, settings.ConnectTimeout, cancellationToken);
            }
            catch (TransportException)
            {
                // Counted below; the watcher keeps the reason in LastProblem.
            }
            finally
            {
                gate.Release();
            }
        }));
        return watchers.Count(watcher => watcher.IsConnected);
    }

    private static async Task ReportProgressAsync(ScenarioContext context, TextWriter output, Action<ProgressSnapshot>? onProgress, CancellationToken stop)
    {
        using var ticks = new PeriodicTimer(context.Settings.ProgressInterval, context.Time);
        try
        {
            while (await ticks.WaitForNextTickAsync(stop))
            {
                await WriteProgressAsync(context, output, onProgress, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task WriteProgressAsync(ScenarioContext context, TextWriter output, Action<ProgressSnapshot>? onProgress, CancellationToken cancellationToken)
    {
        var incidents = await context.OurIncidentsAsync(cancellationToken);
        var snapshot = ProgressSnapshot.Of(context, incidents.Observed ? incidents.Value!.Count : null);
        output.WriteLine(snapshot.ToString());
        onProgress?.Invoke(snapshot);
    }

    internal static string Seconds(TimeSpan span) => MonitorSettings.Seconds(span);
}

/// <summary>The fleet's counts at one moment of a run.</summary>
public sealed record ProgressSnapshot(TimeSpan Elapsed, int Connected, int Watchers, long Sent, long Accepted, long Duplicate, long Rejected, int InFlight,
    int? Incidents)
{
    internal static ProgressSnapshot Of(ScenarioContext context, int? incidents)
    {
        var total = context.Watchers.Select(watcher => watcher.Tally().Total).Aggregate(KindTally.Empty, (sum, tally) => sum.Plus(tally));
        return new ProgressSnapshot(context.Elapsed, context.Watchers.Count(watcher => watcher.IsConnected), context.Watchers.Count, total.Sent,
            total.Accepted, total.Duplicate, total.RejectedTotal, context.Watchers.Sum(watcher => watcher.InFlight), incidents);
    }

    public override string ToString() =>
        $"[{Elapsed.TotalSeconds,4:0}s] connected {Connected}/{Watchers}  sent {Sent}  accepted {Accepted}  duplicate {Duplicate}  rejected {Rejected}  in flight {InFlight}" +
        (Incidents is { } count ? $"  incidents {count}" : "");
}
