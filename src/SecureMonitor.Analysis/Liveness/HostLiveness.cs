namespace SecureMonitor.Analysis.Liveness;

/// <summary>
/// One host's liveness on top of a <see cref="PhiAccrualFailureDetector"/>. Pure: time is passed in. Not thread-safe.
/// <list type="bullet">
/// <item>Unknown until the first heartbeat, which makes it Up (one event); <see cref="Evaluate"/> says nothing before.</item>
/// <item>Up → Unreachable when phi ≥ <see cref="HostLivenessOptions.PhiUnreachable"/>.</item>
/// <item>Up or Unreachable → Down when the silence reaches <see cref="HostLivenessOptions.DownAfter"/>. An Up host
/// evaluated only after that long goes straight to Down: it was never seen merely unreachable.</item>
/// <item>Unreachable or Down → Up on the next heartbeat (one event). The interval that ended a Down period is not
/// learnt (it measured the outage); one that ended an Unreachable period is, so a watcher that legitimately slowed
/// down is learnt instead of flapping forever.</item>
/// </list>
/// </summary>
public sealed class HostLiveness
{
    private static readonly IReadOnlyList<LivenessChanged> NoEvents = [];

    private readonly PhiAccrualFailureDetector _detector;

    public HostLiveness(HostLivenessOptions? options = null)
    {
        Options = options ?? new HostLivenessOptions();
        IReadOnlyList<string> errors = Options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid liveness options: " + string.Join("; ", errors), nameof(options));
        }

        _detector = new PhiAccrualFailureDetector(Options.Detector);
    }

    public HostLivenessOptions Options { get; }

    public HostLivenessState State { get; private set; } = HostLivenessState.Unknown;

    public PhiAccrualFailureDetector Detector => _detector;

    public IReadOnlyList<LivenessChanged> Heartbeat(DateTimeOffset at)
    {
        if (_detector.LastHeartbeat is DateTimeOffset last && at <= last)
        {
            _detector.Heartbeat(at); // counted as ignored there; changes nothing here
            return NoEvents;
        }

        double phi = _detector.Phi(at);
        TimeSpan silence = Silence(at);
        HostLivenessState from = State;
        _detector.Heartbeat(at, recordInterval: from != HostLivenessState.Down);
        State = HostLivenessState.Up;
        return from == HostLivenessState.Up ? NoEvents : [new LivenessChanged(from, HostLivenessState.Up, at, phi, silence)];
    }

    public IReadOnlyList<LivenessChanged> Evaluate(DateTimeOffset now)
    {
        if (State is HostLivenessState.Unknown or HostLivenessState.Down)
        {
            return NoEvents;
        }

        double phi = _detector.Phi(now);
        TimeSpan silence = Silence(now);
        HostLivenessState to = silence >= Options.DownAfter ? HostLivenessState.Down
            : State == HostLivenessState.Up && phi >= Options.PhiUnreachable ? HostLivenessState.Unreachable
            : State;
        if (to == State)
        {
            return NoEvents;
        }

        var change = new LivenessChanged(State, to, now, phi, silence);
        State = to;
        return [change];
    }

    private TimeSpan Silence(DateTimeOffset now) =>
        _detector.LastHeartbeat is DateTimeOffset last && now > last ? now - last : TimeSpan.Zero;
}
