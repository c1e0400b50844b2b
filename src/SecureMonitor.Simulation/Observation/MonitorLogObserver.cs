using System.Text.RegularExpressions;

namespace SecureMonitor.Simulation.Observation;

/// <summary>
/// Reads a monitor's own log lines, for facts its admin protocol does not report yet: the
/// "tampering suspected" security alerts and hosts' liveness changes. Usable only where the
/// simulator sees the monitor's log, that is when it started the monitor itself (the demo, tests).
/// The patterns follow the monitor's log messages (TamperDetector via LoggingSecurityAlertSink, and
/// HostActor); a test keeps them in step.
/// </summary>
public sealed partial class MonitorLogObserver(TimeProvider? time = null) : MonitorObserver
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly List<SecurityAlertSighting> _alerts = [];
    private readonly List<HostStateSighting> _states = [];

    public override IReadOnlyList<string> Sources => ["security alerts and host liveness: the monitor's log (started by this simulator)"];

    protected override string Name => "the monitor's log";

    /// <summary>Takes one log line into account; lines it does not recognise are ignored.</summary>
    public void Observe(string line)
    {
        if (Tampering().Match(line) is { Success: true } tampering)
        {
            lock (_gate)
            {
                _alerts.Add(new SecurityAlertSighting(tampering.Groups["host"].Value, "tampering suspected",
                    $"{tampering.Groups["failures"].Value} integrity failures ({tampering.Groups["reasons"].Value})", _time.GetUtcNow()));
            }
        }
        else if (Liveness().Match(line) is { Success: true } liveness)
        {
            lock (_gate)
            {
                _states.Add(new HostStateSighting(liveness.Groups["host"].Value, liveness.Groups["from"].Value, liveness.Groups["to"].Value,
                    _time.GetUtcNow()));
            }
        }
    }

    public override Task<Observation<IReadOnlyList<SecurityAlertSighting>>> SecurityAlertsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Observation<IReadOnlyList<SecurityAlertSighting>>.Of([.. _alerts]));
        }
    }

    public override Task<Observation<IReadOnlyList<HostStateSighting>>> HostStatesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Observation<IReadOnlyList<HostStateSighting>>.Of([.. _states]));
        }
    }

    [GeneratedRegex(@"TAMPERING SUSPECTED host=(?<host>[a-z0-9][a-z0-9._-]*): (?<failures>\d+) integrity failures[^(]*\((?<reasons>[^)]*)\)",
        RegexOptions.CultureInvariant)]
    private static partial Regex Tampering();

    [GeneratedRegex(@"Host (?<host>[a-z0-9][a-z0-9._-]*) liveness (?<from>[A-Za-z]+) -> (?<to>[A-Za-z]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Liveness();
}
