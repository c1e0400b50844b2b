using Akka.Actor;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Sampling;
using SecureMonitor.Watcher.Delivery;
using SecureMonitor.Watcher.Spool;
using SecureMonitor.Watcher.Thresholds;

namespace SecureMonitor.Watcher;

/// <summary>
/// A running watcher: loads the identity bundle, opens the spool and the sequence counter in the
/// data directory, and starts the actors. The CLI, the tests and the simulator start it the same way.
/// </summary>
public sealed partial class WatcherNode : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly DurableSpool _spool;
    private readonly IdentityBundle _identity;

    private WatcherNode(ActorSystem system, IActorRef root, DurableSpool spool, IdentityBundle identity)
    {
        _system = system;
        Root = root;
        _spool = spool;
        _identity = identity;
    }

    /// <summary>The root actor: ask it <see cref="GetDeliveryStatus"/> or <see cref="Thresholds.GetThresholdStates"/>
    /// (<c>Root.Ask&lt;T&gt;(message, timeout, cancellationToken)</c>).</summary>
    public IActorRef Root { get; }

    public string HostId => _identity.Identity.HostId ?? _identity.Identity.Name;

    /// <summary>Starts a watcher; <paramref name="readMetrics"/> replaces the /proc samplers (tests).
    /// <paramref name="time"/> is the clock of the samplers and the TLS client; the actors keep time with
    /// Akka's scheduler (its tick is <c>akka.scheduler.tick-duration</c>, set in watcher.conf).</summary>
    /// <exception cref="WatcherStartException">The identity, data directory or rules are unusable; the message says why.</exception>
    public static WatcherNode Start(WatcherOptions options, ILoggerFactory loggers, TimeProvider time,
        Func<IReadOnlyDictionary<string, double>>? readMetrics = null)
    {
        var rules = ThresholdRuleSet.Parse(0, options.Thresholds);
        if (!rules.Succeeded)
        {
            throw new WatcherStartException("invalid threshold rules: " + string.Join("; ", rules.Errors));
        }

        IdentityBundle identity;
        try
        {
            identity = IdentityBundle.Load(options.IdentityDirectory);
        }
        catch (PkiException error)
        {
            throw new WatcherStartException($"cannot load the identity bundle: {error.Message}", error);
        }
        if (identity.Psk is null || identity.Identity.Role != CertificateRole.Watcher)
        {
            identity.Dispose();
            throw new WatcherStartException($"{options.IdentityDirectory} is not a watcher identity (role {identity.Identity.Role}); issue one with 'securemonitor pki issue-watcher HOST'");
        }

        // Spool, sequence and pushed rules are nobody else's business: 0700, files 0600.
        PrivateFiles.CreateDirectory(options.DataDirectory);
        var spool = DurableSpool.Open(options.DataDirectory, new SpoolOptions { MaxBytes = options.SpoolMaxBytes });
        var sequences = SequenceReservation.Open(options.DataDirectory);
        sequences.EnsureAbove(spool.LastAppendedSequence); // belt and braces: never seal a number the spool holds
        var log = loggers.CreateLogger<WatcherNode>();
        if (spool.Recovery.IsClean)
        {
            LogSpoolOpened(log, spool.Count);
        }
        else
        {
            LogSpoolRecovered(log, spool.Count, spool.Recovery.TornTailBytesTruncated, spool.Recovery.Corruptions.Count);
        }

        if (readMetrics is null)
        {
            var sampler = HostSampler.Create(new SamplingOptions { ProcRoot = options.ProcRoot, Time = time, TcpSocketsInterval = options.TcpSocketsInterval });
            readMetrics = () => sampler.Sample().Values;
        }

        var components = new WatcherComponents(
            new SenderOptions
            {
                Identity = identity,
                Monitors = options.Monitors,
                HeartbeatInterval = options.HeartbeatInterval,
                MinBackoff = options.MinBackoff,
                MaxBackoff = options.MaxBackoff,
                SilenceTimeout = options.SilenceTimeout,
                FrameLimits = new FrameLimits(options.MaxFrameBytes),
                Time = time,
            },
            spool, sequences, rules.RuleSet!, new PushedRules(options.DataDirectory), readMetrics, options.SamplingInterval);

        var system = NodeActorSystem.Create("watcher", options.Configuration, loggers);
        var root = system.ActorOf(Props.Create(() => new WatcherActor(components)), "watcher");
        LogStarted(log, identity.Identity.Name, string.Join(", ", options.Monitors), options.SamplingInterval.TotalSeconds, rules.RuleSet!.Rules.Count);
        return new WatcherNode(system, root, spool, identity);
    }

    public async ValueTask DisposeAsync()
    {
        // Stopping the actors closes the sender's link and disposes its keys (its PostStop); only then
        // may the spool and the identity go.
        await _system.Terminate();
        await _system.WhenTerminated;
        _spool.Dispose();
        _identity.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Spool opened with {Pending} undelivered message(s)")]
    private static partial void LogSpoolOpened(ILogger log, int pending);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Spool recovered after an unclean stop: {Pending} undelivered message(s), {TornBytes} torn byte(s) truncated, {Corruptions} damaged segment(s) set aside")]
    private static partial void LogSpoolRecovered(ILogger log, int pending, long tornBytes, int corruptions);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Watcher {Host} started: monitors {Monitors}, sampling every {IntervalSeconds} s, {Rules} threshold rule(s)")]
    private static partial void LogStarted(ILogger log, string host, string monitors, double intervalSeconds, int rules);
}

/// <summary>The watcher cannot start; the message is fit for an operator.</summary>
public sealed class WatcherStartException(string message, Exception? inner = null) : Exception(message, inner);
