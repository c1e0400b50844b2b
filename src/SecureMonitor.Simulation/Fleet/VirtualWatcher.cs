using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;
using ThresholdRule = SecureMonitor.Analysis.Thresholds.ThresholdRule;
using SecureMonitor.Transport;
using SecureMonitor.Watcher.Thresholds;

namespace SecureMonitor.Simulation.Fleet;

/// <summary>
/// One simulated watcher host with its own identity bundle: a real TLS 1.3 connection
/// (<see cref="WatcherLink"/>), envelopes sealed with its own pre-shared key under increasing
/// sequence numbers (<see cref="WatcherSealer"/>), heartbeats carrying its latest samples, and
/// alerts decided by the watcher's own threshold evaluator from the samples a scenario feeds it.
/// It can also misbehave on purpose: flood, tamper with sealed envelopes, replay them.
/// </summary>
/// <remarks>
/// The monitor answers every envelope, in the order it arrived, with an acknowledgement (accepted
/// or duplicate) or a rejection. Envelopes are therefore matched to answers first in, first out,
/// and each is counted by kind and answer; an answer other than the one the protocol calls for
/// (an honest heartbeat rejected, a tampered envelope accepted) is recorded as a
/// <see cref="Surprise"/>. At most <see cref="MaxInFlight"/> envelopes wait for an answer: a
/// sender beyond that waits, so a slowed monitor slows the watcher (back-pressure), as a real one.
/// Sends are serialised (one sealer, strictly increasing sequences); answers are read on a loop of
/// their own. Safe to use from several tasks.
/// </remarks>
public sealed class VirtualWatcher : IAsyncDisposable
{
    public const string AgentVersion = "securemonitor-simulate";
    public const int MaxInFlight = 256;

    /// <summary>Accepted envelopes kept for replays; older ones are forgotten.</summary>
    private const int ReplayHistory = 256;

    private const int SurpriseExamples = 5;

    private readonly IdentityBundle _identity;
    private readonly WatcherSealer _sealer;
    private readonly TimeProvider _time;
    private readonly long _startedAt;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _pending = new();
    private readonly Dictionary<MessageKind, Counts> _counts = [];
    private readonly Queue<(MessageKind Kind, SealedEnvelope Envelope)> _accepted = new();
    private readonly List<Surprise> _surprises = [];
    private readonly List<ThresholdEvaluator> _evaluators = [];
    private long _surpriseCount;
    private ulong _highestAccepted;
    private IReadOnlyDictionary<string, double> _latest = new Dictionary<string, double>();
    private WatcherLink? _link;
    private WatcherLink? _attached;
    private CancellationTokenSource? _readerStop;
    private Task? _reader;
    private TaskCompletionSource _idle = Completed();

    public VirtualWatcher(IdentityBundle identity, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        _identity = identity;
        _sealer = new WatcherSealer(identity.Psk ?? throw new ArgumentException($"{identity} is not a watcher bundle.", nameof(identity)));
        _time = time ?? TimeProvider.System;
        _startedAt = _time.GetTimestamp();
        HostId = _sealer.HostId;
    }

    public string HostId { get; }

    public bool IsConnected
    {
        get { lock (_gate) { return _link is not null; } }
    }

    /// <summary>Why the last connection attempt failed or the connection ended, if it did.</summary>
    public string? LastProblem { get; private set; }

    /// <summary>The high-water mark the monitor answered the last hello with.</summary>
    public ulong ResumedAfter { get; private set; }

    /// <summary>The highest sequence the monitor accepted from this watcher (duplicates do not count).</summary>
    public ulong HighestAccepted
    {
        get { lock (_gate) { return _highestAccepted; } }
    }

    /// <summary>Envelopes written and not answered yet.</summary>
    public int InFlight
    {
        get { lock (_gate) { return _pending.Count; } }
    }

    /// <summary>The rules the watcher evaluates each sample with (replacing any before).</summary>
    public void UseRules(IEnumerable<ThresholdRule> rules)
    {
        lock (_gate)
        {
            _evaluators.Clear();
            _evaluators.AddRange(rules.Select(rule => new ThresholdEvaluator(rule)));
        }
    }

    /// <summary>Connects and says hello; new sequences continue above the monitor's high-water mark.</summary>
    /// <exception cref="TransportException">The monitor cannot be reached or refused the connection.</exception>
    public async Task ConnectAsync(MonitorEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (!IsConnected)
            {
                await DetachAsync(); // a link the monitor closed is still to be released
                await AttachAsync(endpoint, timeout, cancellationToken);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Drops the connection and opens a new one, as a watcher does after a network failure. Sends
    /// wait meanwhile (they are not lost), and the old connection closes only once everything
    /// written on it is answered. Returns <see cref="HighestAccepted"/> as of that moment.
    /// </summary>
    public async Task<ulong> ReconnectAsync(MonitorEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await DrainAsync(timeout, cancellationToken);
            await DetachAsync();
            var accepted = HighestAccepted;
            await AttachAsync(endpoint, timeout, cancellationToken);
            return accepted;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Opens a link and starts reading its answers; the caller holds the send lock.</summary>
    private async Task AttachAsync(MonitorEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        WatcherLink link;
        try
        {
            link = await WatcherLink.OpenAsync(endpoint, _identity, AgentVersion, timeout, cancellationToken);
        }
        catch (TransportException error)
        {
            LastProblem = error.Message;
            throw;
        }
        _sealer.ContinueAfter(link.ResumedAfter);
        ResumedAfter = link.ResumedAfter;
        var stop = new CancellationTokenSource();
        lock (_gate)
        {
            _link = link;
            _attached = link;
            _readerStop = stop;
        }
        _reader = ReadAnswersAsync(link, stop.Token);
        LastProblem = null;
    }

    /// <summary>Closes the connection (an agent stopped or killed); envelopes still in flight count as unanswered.</summary>
    public async Task DisconnectAsync()
    {
        await _sendLock.WaitAsync();
        try
        {
            await DetachAsync();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the link and waits for its reader to settle what is in flight; the caller holds the send lock.</summary>
    private async Task DetachAsync()
    {
        WatcherLink? link;
        CancellationTokenSource? stop;
        Task? reader;
        lock (_gate)
        {
            link = _attached;
            stop = _readerStop;
            reader = _reader;
            _link = null;
            _attached = null;
            _readerStop = null;
            _reader = null;
        }
        if (stop is null)
        {
            return;
        }
        await stop.CancelAsync();
        if (link is not null)
        {
            await link.DisposeAsync();
        }
        await reader!;
        stop.Dispose();
    }

    /// <summary>Waits until every envelope written has its answer (or the connection ended), up to <paramref name="within"/>.</summary>
    public async Task<bool> DrainAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            idle = _idle.Task;
        }
        try
        {
            await idle.WaitAsync(within, _time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>A heartbeat with the latest samples, as the watcher sends every heartbeat interval.</summary>
    public Task<Task<Answer>> SendHeartbeatAsync(CancellationToken cancellationToken)
    {
        var heartbeat = new Heartbeat { UptimeMs = (long)_time.GetElapsedTime(_startedAt).TotalMilliseconds };
        lock (_gate)
        {
            foreach (var (name, value) in _latest)
            {
                heartbeat.Metrics[name] = value;
            }
        }
        return SendAsync(MessageKind.Heartbeat, new WatcherMessage { Heartbeat = heartbeat }, Answer.Accepted, cancellationToken);
    }

    /// <summary>
    /// One round of sampling: keeps the values for the next heartbeat and evaluates every rule on
    /// them; each alert or resolution the rules decide is sent, as the watcher's own would be.
    /// Returns the threshold events (including those that send nothing, such as a suppression).
    /// </summary>
    public async Task<IReadOnlyList<ThresholdEvent>> SampleAsync(IReadOnlyDictionary<string, double> values, CancellationToken cancellationToken)
    {
        var at = _time.GetUtcNow();
        List<ThresholdEvent> events = [];
        lock (_gate)
        {
            _latest = values;
            foreach (var evaluator in _evaluators)
            {
                events.AddRange(evaluator.Observe(values.TryGetValue(evaluator.Rule.Metric, out var value) ? value : null, at));
            }
        }
        foreach (var thresholdEvent in events)
        {
            if (AlertMessages.For(thresholdEvent) is { } delivery)
            {
                await SendAsync(MessageKind.Alert, delivery.Message, Answer.Accepted, cancellationToken);
            }
        }
        return events;
    }

    /// <summary>Sends an alert the scenario made up (a flood), expecting it to be accepted.</summary>
    public Task<Task<Answer>> SendAlertAsync(Alert alert, MessageKind kind, CancellationToken cancellationToken) =>
        SendAsync(kind, new WatcherMessage { Alert = alert }, Answer.Accepted, cancellationToken);

    /// <summary>Seals <paramref name="alert"/>, flips one bit and sends it: the monitor must refuse it (and keep the connection).</summary>
    public Task<Task<Answer>> SendTamperedAsync(Alert alert, Tampering where, int bit, CancellationToken cancellationToken) =>
        SendSealedAsync(MessageKind.Tampered, () => EnvelopeTampering.FlipBit(Seal(new WatcherMessage { Alert = alert }), where, bit),
            Answer.Rejected(EnvelopeTampering.ExpectedReason(where)), cancellationToken);

    /// <summary>Sends an envelope the monitor already accepted, as the same bytes: it must answer "duplicate".</summary>
    public Task<Task<Answer>> ReplayAsync(SealedEnvelope envelope, CancellationToken cancellationToken) =>
        SendSealedAsync(MessageKind.Replayed, () => envelope, Answer.Duplicate, cancellationToken);

    /// <summary>The sealed bytes of recently accepted envelopes (newest last), for replays.</summary>
    public IReadOnlyList<(MessageKind Kind, SealedEnvelope Envelope)> AcceptedEnvelopes()
    {
        lock (_gate)
        {
            return [.. _accepted];
        }
    }

    public WatcherTally Tally()
    {
        lock (_gate)
        {
            return new WatcherTally(HostId, _counts.ToDictionary(entry => entry.Key, entry => entry.Value.ToTally()), _surpriseCount, [.. _surprises]);
        }
    }

    private Task<Task<Answer>> SendAsync(MessageKind kind, WatcherMessage message, Answer expected, CancellationToken cancellationToken) =>
        SendSealedAsync(kind, () => Seal(message), expected, cancellationToken);

    private SealedEnvelope Seal(WatcherMessage message) => _sealer.SealNext(message, _time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>
    /// Writes one envelope (made under the send lock, so sequences go out in order) and returns,
    /// once it is written, the task of its answer. Without a connection nothing is written and the
    /// answer is <see cref="AnswerKind.Unanswered"/> at once.
    /// </summary>
    private async Task<Task<Answer>> SendSealedAsync(MessageKind kind, Func<SealedEnvelope> make, Answer expected, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        var released = false;
        try
        {
            await _sendLock.WaitAsync(cancellationToken);
            try
            {
                WatcherLink? link;
                lock (_gate)
                {
                    link = _link;
                }
                if (link is null)
                {
                    Count(kind, Answer.Unanswered, sent: false);
                    return Task.FromResult(Answer.Unanswered);
                }
                var envelope = make();
                var pending = new Pending(kind, Sequence(envelope), envelope, expected);
                lock (_gate)
                {
                    if (_pending.Count == 0)
                    {
                        _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                    _pending.Enqueue(pending);
                    CountsOf(kind).Sent++;
                }
                released = true; // the slot now belongs to the pending envelope, freed by its answer
                try
                {
                    await link.Connection.SendAsync(Frames.Envelope(envelope), cancellationToken);
                }
                catch (Exception error) when (error is IOException or ObjectDisposedException)
                {
                    // The reader sees the connection end and settles everything in flight as unanswered.
                    LastProblem = error.Message;
                }
                return pending.Reply.Task;
            }
            finally
            {
                _sendLock.Release();
            }
        }
        finally
        {
            if (!released)
            {
                _slots.Release();
            }
        }
    }

    private async Task ReadAnswersAsync(WatcherLink link, CancellationToken stop)
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                var read = await link.Connection.ReadAsync(stop);
                if (!read.IsFrame)
                {
                    LastProblem = read.Status == FrameReadStatus.EndOfStream ? "the monitor closed the connection" : $"bad frame from the monitor: {read}";
                    break;
                }
                var frame = read.Frame!;
                switch (frame.BodyCase)
                {
                    case Frame.BodyOneofCase.Ack when frame.Ack.Status == AckStatus.Accepted:
                        Settle(new Answer(AnswerKind.Accepted, HighWaterMark: frame.Ack.HighWaterMark));
                        break;
                    case Frame.BodyOneofCase.Ack when frame.Ack.Status == AckStatus.Duplicate:
                        Settle(new Answer(AnswerKind.Duplicate, HighWaterMark: frame.Ack.HighWaterMark));
                        break;
                    case Frame.BodyOneofCase.Rejection:
                        Settle(Answer.Rejected(RejectionReasonNames.FromWireCode(frame.Rejection.Reason)));
                        break;
                    case Frame.BodyOneofCase.NotLeader:
                        LastProblem = $"the monitor is not the leader (leader {frame.NotLeader.LeaderNode})";
                        return;
                    default:
                        // Hello answers and monitor pushes (threshold updates) need no answer here.
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            LastProblem = error.Message;
        }
        finally
        {
            lock (_gate)
            {
                if (_link == link)
                {
                    _link = null;
                }
            }
            while (Settle(Answer.Unanswered))
            {
            }
        }
    }

    /// <summary>Matches the oldest envelope in flight with <paramref name="answer"/>; false if none was in flight.</summary>
    private bool Settle(Answer answer)
    {
        Pending pending;
        lock (_gate)
        {
            if (!_pending.TryDequeue(out pending!))
            {
                return false;
            }
            Count(pending.Kind, answer, sent: true);
            if (!pending.Expected.Matches(answer))
            {
                _surpriseCount++;
                if (_surprises.Count < SurpriseExamples)
                {
                    _surprises.Add(new Surprise(HostId, pending.Kind, pending.Sequence, pending.Expected, answer));
                }
            }
            if (answer.Kind == AnswerKind.Accepted)
            {
                _highestAccepted = Math.Max(_highestAccepted, pending.Sequence);
                _accepted.Enqueue((pending.Kind, pending.Envelope));
                if (_accepted.Count > ReplayHistory)
                {
                    _accepted.Dequeue();
                }
            }
            if (_pending.Count == 0)
            {
                _idle.TrySetResult();
            }
        }
        _slots.Release();
        pending.Reply.TrySetResult(answer);
        return true;
    }

    private void Count(MessageKind kind, Answer answer, bool sent)
    {
        lock (_gate)
        {
            var counts = CountsOf(kind);
            if (!sent)
            {
                counts.Sent++;
            }
            switch (answer.Kind)
            {
                case AnswerKind.Accepted: counts.Accepted++; break;
                case AnswerKind.Duplicate: counts.Duplicate++; break;
                case AnswerKind.Rejected: counts.Rejected[answer.Reason] = counts.Rejected.GetValueOrDefault(answer.Reason) + 1; break;
                default: counts.Unanswered++; break;
            }
        }
    }

    private Counts CountsOf(MessageKind kind)
    {
        if (!_counts.TryGetValue(kind, out var counts))
        {
            counts = new Counts();
            _counts.Add(kind, counts);
        }
        return counts;
    }

    private static ulong Sequence(SealedEnvelope envelope)
    {
        try
        {
            return EnvelopeHeader.Parser.ParseFrom(envelope.Header).Sequence;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return 0;
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync();
        _sealer.Dispose();
        _sendLock.Dispose();
        _slots.Dispose();
    }

    private sealed record Pending(MessageKind Kind, ulong Sequence, SealedEnvelope Envelope, Answer Expected)
    {
        public TaskCompletionSource<Answer> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Counts
    {
        public long Sent;
        public long Accepted;
        public long Duplicate;
        public long Unanswered;
        public readonly Dictionary<RejectionReason, long> Rejected = [];

        public KindTally ToTally() => new(Sent, Accepted, Duplicate, Unanswered, new Dictionary<RejectionReason, long>(Rejected));
    }
}
