using Akka.Actor;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;
using SecureMonitor.Transport.Client;
using SecureMonitor.Watcher.Spool;

namespace SecureMonitor.Watcher.Delivery;

/// <summary>
/// Seals every outgoing message, writes it to the durable spool, and only then sends it; removes
/// it from the spool when the monitor acknowledges it (accepted or duplicate). After every
/// (re)connect it resends everything unacknowledged, in order, as the sealed bytes it stored: a
/// resend is never re-sealed (that would reuse a nonce) and the monitor answers it as a duplicate
/// if it had it already, so across crashes and failovers nothing is lost and nothing counts twice.
/// </summary>
/// <remarks>
/// The link to the monitor is a state machine, one behaviour per state:
/// <list type="bullet">
/// <item><b>Disconnected</b>: waiting for the reconnect timer (or an immediate retry after a redirect).</item>
/// <item><b>Connecting</b>: the connection attempt runs off the actor (its outcome comes back as a
/// message, so a slow or dead monitor never delays spooling); once connected, the hello is sent and
/// waits for its answer.</item>
/// <item><b>Live</b>: the hello was answered; spooled envelopes go out, at most
/// <see cref="SenderOptions.MaxInFlight"/> unacknowledged.</item>
/// <item><b>Draining</b>: the link is being closed (the monitor closed it, or a follower redirected us);
/// when its read loop has ended, back to Disconnected. Stopping the actor closes any link in PostStop.</item>
/// </list>
/// In every state messages are sealed and spooled; only Live sends them.
/// </remarks>
public sealed partial class SenderActor : ReceiveActor, IWithTimers
{
    private const string HeartbeatTimer = "heartbeat";
    private const string ConnectTimer = "connect";
    private const string SilenceTimer = "silence";

    private readonly SenderOptions _options;
    private readonly DurableSpool _spool;
    private readonly SequenceReservation _sequences;
    private readonly EnvelopeSealer _sealer;
    private readonly EnvelopeOpener _opener;
    private readonly InMemoryEnvelopeKeys _inboundKeys = new();
    private readonly MonitorEndpoints _endpoints;
    private readonly ReconnectBackoff _backoff;
    private readonly string _hostId;
    private readonly TimeSpan _startedAt;
    private readonly ILogger _log;

    // The link of the current state: set once Connecting has a connection, through Live, until Draining ends.
    private MonitorLink? _link;
    private SenderLinkState _state = SenderLinkState.Disconnected;
    private ulong _sentThrough;
    private int _inFlight;
    // When the current link last carried anything from the monitor (or was opened), on the scheduler's clock.
    private TimeSpan _lastHeard;
    private long _delivered;
    private long _rejectedByMonitor;
    private IReadOnlyDictionary<string, double> _latestMetrics = new Dictionary<string, double>();

    public SenderActor(SenderOptions options, DurableSpool spool, SequenceReservation sequences)
    {
        _options = options;
        _spool = spool;
        _sequences = sequences;
        var psk = options.Identity.Psk ?? throw new ArgumentException("The identity bundle has no pre-shared key; is it a watcher bundle?", nameof(options));
        _hostId = psk.HostId;
        _sealer = new EnvelopeSealer(EnvelopeKey.Derive(psk.Key, psk.HostId, psk.KeyId, Direction.WatcherToMonitor));
        _inboundKeys.AddKey(psk.HostId, psk.KeyId, psk.Key);
        _opener = new EnvelopeOpener(Direction.MonitorToWatcher, options.FrameLimits.MaxFrameBytes);
        _endpoints = new MonitorEndpoints(options.Monitors);
        _backoff = new ReconnectBackoff(options.MinBackoff, options.MaxBackoff, Random.Shared);
        _startedAt = Context.System.Scheduler.MonotonicClock;
        _log = Context.Logger();
        Disconnected(); // the initial behaviour

    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(HeartbeatTimer, HeartbeatDue.Instance, _options.HeartbeatInterval);
        // A quarter of the timeout: a silent monitor is given up at most 25 % after the timeout.
        Timers.StartPeriodicTimer(SilenceTimer, SilenceCheck.Instance, _options.SilenceTimeout / 4);
        Self.Tell(ConnectDue.Instance);
    }

    protected override void PostStop()
    {
        _link?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _sealer.Key.Dispose();
        _inboundKeys.Dispose();
    }

    // ---- States ------------------------------------------------------------------------------

    private void Disconnected()
    {
        Entered(SenderLinkState.Disconnected);
        Receive<ConnectDue>(_ => StartConnecting());
        InEveryState();
    }

    private void Connecting()
    {
        Entered(SenderLinkState.Connecting);
        ReceiveAsync<LinkConnected>(connected => OnConnectedAsync(connected.Link));
        Receive<LinkFailed>(failed =>
        {
            LogConnectFailed(_log, failed.Endpoint, failed.Reason);
            Timers.StartSingleTimer(ConnectTimer, ConnectDue.Instance, _backoff.NextDelay());
            Become(Disconnected);
        });
        ReceiveAsync<LinkFrame>(frame => IsCurrent(frame.Link) && frame.Frame.BodyCase == Frame.BodyOneofCase.Ack, frame => OnHelloAnsweredAsync(frame.Frame.Ack));
        ReceiveAsync<LinkFrame>(frame => IsCurrent(frame.Link), frame => OnFrameAsync(frame.Frame));
        Receive<LinkClosed>(closed => IsCurrent(closed.Link), OnClosed);
        Receive<SilenceCheck>(_ => _link is not null, _ => GiveUpIfSilent(waiting: true));
        InEveryState();
    }

    private void Live()
    {
        Entered(SenderLinkState.Live);
        ReceiveAsync<Deliver>(deliver => SpoolThenSendAsync(deliver.Kind, deliver.Message));
        ReceiveAsync<HeartbeatDue>(_ => SpoolThenSendAsync(SpoolRecordKind.Heartbeat, BuildHeartbeat()));
        ReceiveAsync<LinkFrame>(frame => IsCurrent(frame.Link) && frame.Frame.BodyCase == Frame.BodyOneofCase.Ack, frame => OnAckAsync(frame.Frame.Ack));
        ReceiveAsync<LinkFrame>(frame => IsCurrent(frame.Link), frame => OnFrameAsync(frame.Frame));
        Receive<LinkClosed>(closed => IsCurrent(closed.Link), OnClosed);
        Receive<SilenceCheck>(_ => GiveUpIfSilent(waiting: _inFlight > 0));
        InEveryState();
    }

    private void Draining()
    {
        Entered(SenderLinkState.Draining);
        Receive<LinkDrained>(drained => IsCurrent(drained.Link), drained =>
        {
            _link = null;
            if (drained.Redirected)
            {
                Self.Tell(ConnectDue.Instance); // the follower named the leader: no reason to wait
            }
            else
            {
                Timers.StartSingleTimer(ConnectTimer, ConnectDue.Instance, _backoff.NextDelay());
            }
            Become(Disconnected);
        });
        InEveryState();
    }

    /// <summary>What every state does: spool (only Live also sends), keep the latest samples, answer
    /// status, and let go of anything from a link that is no longer the current one.</summary>
    private void InEveryState()
    {
        Receive<Deliver>(deliver => Spool(deliver.Kind, deliver.Message));
        Receive<HeartbeatDue>(_ => Spool(SpoolRecordKind.Heartbeat, BuildHeartbeat()));
        Receive<LatestMetrics>(latest => _latestMetrics = latest.Values);
        Receive<GetDeliveryStatus>(_ => Sender.Tell(new DeliveryStatus(_state == SenderLinkState.Live, _link?.Endpoint.ToString(), _spool.Count,
            _delivered, _spool.DroppedHeartbeats, _spool.RefusedAlerts, _rejectedByMonitor, _sealer.LastSequence, _state)));
        // A connection made for an earlier incarnation of this actor (before a restart) is not ours to use.
        Receive<LinkConnected>(stale => _ = stale.Link.DisposeAsync().AsTask());
        Receive<LinkFailed>(_ => { });
        Receive<LinkFrame>(_ => { });   // from a link already let go of
        Receive<LinkClosed>(_ => { });  // likewise (a drained link's read loop says goodbye too)
        Receive<LinkDrained>(_ => { });
        Receive<ConnectDue>(_ => { });  // only Disconnected dials; a late timer elsewhere means nothing
        Receive<SilenceCheck>(_ => { }); // no link, or one already let go of
    }

    private void Entered(SenderLinkState state)
    {
        if (state != _state)
        {
            LogLinkState(_log, _state, state);
            _state = state;
        }
    }

    private bool IsCurrent(MonitorLink link) => ReferenceEquals(link, _link);

    // ---- Transitions -------------------------------------------------------------------------

    private void StartConnecting()
    {
        var endpoint = _endpoints.Next();
        var self = Self;
        var clientOptions = new SecureClientOptions
        {
            Identity = _options.Identity,
            ConnectTimeout = _options.ConnectTimeout,
            FrameLimits = _options.FrameLimits,
            Time = _options.Time,
        };
        _ = Task.Run(async () =>
        {
            try
            {
                var connection = await SecureClient.ConnectAsync(endpoint, clientOptions);
                self.Tell(new LinkConnected(new MonitorLink(endpoint, connection)));
            }
            catch (Exception error) when (error is TransportException or IOException or System.Security.Authentication.AuthenticationException)
            {
                self.Tell(new LinkFailed(endpoint.ToString(), error.Message));
            }
        });
        Become(Connecting);
    }

    private async Task OnConnectedAsync(MonitorLink link)
    {
        if (_link is not null)
        {
            await link.DisposeAsync(); // one link at a time (a stale attempt from before a restart)
            return;
        }
        _link = link;
        _inFlight = 0;
        _sentThrough = 0;
        _lastHeard = Now;
        link.StartReading(Self);
        LogConnected(_log, link.Endpoint.ToString(), _spool.Count);
        try
        {
            await link.SendAsync(Frames.Hello(_hostId, _options.AgentVersion, cumulativeAcks: true));
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The read loop reports the closed link.
        }
    }

    private async Task OnHelloAnsweredAsync(Ack ack)
    {
        // Everything up to the monitor's high-water mark is already stored there (e.g. acknowledged
        // just before a crash): drop it from the spool, never reuse those numbers, then resend the rest.
        _lastHeard = Now;
        var mark = ack.HighWaterMark;
        _spool.AcknowledgeThrough(mark);
        _sequences.EnsureAbove(mark);
        _backoff.Reset();
        Become(Live);
        await SendPendingAsync();
    }

    private TimeSpan Now => Context.System.Scheduler.MonotonicClock;

    /// <summary>A monitor that owes an answer (acknowledgements, or the hello's) and said nothing for the
    /// silence timeout is frozen, cut off or overloaded beyond use: let it go and try the next one.</summary>
    private void GiveUpIfSilent(bool waiting)
    {
        var silent = Now - _lastHeard;
        if (!waiting || silent < _options.SilenceTimeout)
        {
            return;
        }
        LogMonitorSilent(_log, _link!.Endpoint.ToString(), silent.TotalSeconds, _inFlight);
        Drain(redirected: false);
    }

    private void OnClosed(LinkClosed closed)
    {
        LogDisconnected(_log, closed.Link.Endpoint.ToString(), closed.Reason);
        Drain(redirected: false);
    }

    /// <summary>Lets go of the current link: it closes off the actor and says so with <see cref="LinkDrained"/>.</summary>
    private void Drain(bool redirected)
    {
        var link = _link!;
        var self = Self;
        _inFlight = 0;
        _ = Task.Run(async () =>
        {
            try
            {
                await link.DisposeAsync();
            }
            finally
            {
                self.Tell(new LinkDrained(link, redirected));
            }
        });
        Become(Draining);
    }

    // ---- Frames ------------------------------------------------------------------------------

    private async Task OnAckAsync(Ack ack)
    {
        _lastHeard = Now;
        // Cumulative (asked for in the hello): everything sent up to this sequence is done. The spool
        // sends in sequence order, so that is exactly what this connection sent before it; a monitor
        // that acknowledges one by one, in order, means the same.
        var acknowledged = _spool.AcknowledgeThrough(ack.Sequence);
        _inFlight = Math.Max(0, _inFlight - acknowledged);
        _delivered += acknowledged;
        if (_inFlight <= _options.MaxInFlight / 2)
        {
            await SendPendingAsync();
        }
    }

    private async Task OnFrameAsync(Frame frame)
    {
        _lastHeard = Now;
        switch (frame.BodyCase)
        {
            case Frame.BodyOneofCase.Rejection:
                await OnRejectionAsync(frame.Rejection);
                break;
            case Frame.BodyOneofCase.NotLeader:
                LogNotLeader(_log, _link!.Endpoint.ToString(), frame.NotLeader.LeaderNode, string.Join(",", frame.NotLeader.TryEndpoints));
                _endpoints.Prefer(frame.NotLeader.TryEndpoints);
                _backoff.Reset();
                Drain(redirected: true);
                break;
            case Frame.BodyOneofCase.Envelope:
                OnMonitorEnvelope(frame.Envelope);
                break;
            default:
                LogUnexpectedFrame(_log, frame.BodyCase.ToString());
                break;
        }
    }

    private async Task OnRejectionAsync(Rejection rejection)
    {
        var reason = RejectionReasonNames.FromWireCode(rejection.Reason);
        if (rejection.Sequence == 0)
        {
            // A connection-level refusal: the monitor closes; the read loop's LinkClosed drains the link.
            LogConnectionRefused(_log, reason.ToMetricName(), rejection.Detail);
            return;
        }
        // The monitor will never accept this exact envelope (it verified and refused it): keep the
        // spool moving, and say so loudly. Resending it would only be refused again.
        _rejectedByMonitor++;
        _spool.Acknowledge(rejection.Sequence);
        _inFlight = Math.Max(0, _inFlight - 1);
        LogEnvelopeRejected(_log, rejection.Sequence, reason.ToMetricName(), rejection.Detail);
        if (_state == SenderLinkState.Live)
        {
            await SendPendingAsync();
        }
    }

    private void OnMonitorEnvelope(SealedEnvelope envelope)
    {
        if (!_opener.TryOpen(envelope, _hostId, _inboundKeys, out var opened, out var reason))
        {
            LogInboundRejected(_log, reason.ToMetricName());
            return;
        }
        MonitorMessage message;
        try
        {
            message = MonitorMessage.Parser.ParseFrom(opened.Plaintext.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            LogInboundRejected(_log, RejectionReason.Malformed.ToMetricName());
            return;
        }
        if (message.BodyCase == MonitorMessage.BodyOneofCase.ThresholdUpdate)
        {
            Context.Parent.Tell(new ThresholdUpdateReceived(message.ThresholdUpdate), Self);
        }
    }

    // ---- Spool and send ----------------------------------------------------------------------

    /// <summary>Seals and spools; false when the spool is full (reported, never silent).</summary>
    private bool Spool(SpoolRecordKind kind, WatcherMessage message)
    {
        var sequence = _sequences.Next();
        var sealedEnvelope = _sealer.Seal(sequence, Context.System.Scheduler.Now.ToUnixTimeMilliseconds(), message);
        if (_spool.Append(kind, sequence, sealedEnvelope.ToByteArray()) == SpoolAppendResult.Refused)
        {
            // The operator sees it here, the monitor in the next heartbeat's counters.
            LogSpoolRefused(_log, kind, sequence);
            return false;
        }
        return true;
    }

    private async Task SpoolThenSendAsync(SpoolRecordKind kind, WatcherMessage message)
    {
        if (Spool(kind, message))
        {
            await SendPendingAsync();
        }
    }

    private WatcherMessage BuildHeartbeat()
    {
        var heartbeat = new Heartbeat
        {
            UptimeMs = (long)(Context.System.Scheduler.MonotonicClock - _startedAt).TotalMilliseconds,
            SpoolDepth = (ulong)_spool.Count,
            SpoolDropped = (ulong)(_spool.DroppedHeartbeats + _spool.RefusedAlerts),
        };
        foreach (var (name, value) in _latestMetrics)
        {
            heartbeat.Metrics[name] = value;
        }
        return new WatcherMessage { Heartbeat = heartbeat };
    }

    /// <summary>Sends spooled envelopes not yet sent on this link, up to the in-flight bound (Live only).</summary>
    private async Task SendPendingAsync()
    {
        var room = _options.MaxInFlight - _inFlight;
        if (room <= 0)
        {
            return;
        }
        var records = _spool.ReadPending(_sentThrough, room);
        if (records.Count == 0)
        {
            return;
        }
        var frames = new List<Frame>(records.Count);
        foreach (var record in records)
        {
            frames.Add(Frames.Envelope(SealedEnvelope.Parser.ParseFrom(record.Payload.Span)));
        }
        try
        {
            await _link!.SendBatchAsync(frames);
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The read loop reports the closed link; everything stays spooled.
            return;
        }
        _sentThrough = records[^1].Sequence;
        _inFlight += records.Count;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Monitor link {From} -> {To}")]
    private static partial void LogLinkState(ILogger log, SenderLinkState from, SenderLinkState to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to monitor {Endpoint}; {Pending} spooled message(s) to deliver")]
    private static partial void LogConnected(ILogger log, string endpoint, int pending);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Monitor {Endpoint} answered nothing for {Seconds:0.#} s with {InFlight} message(s) awaiting acknowledgement; trying the next monitor")]
    private static partial void LogMonitorSilent(ILogger log, string endpoint, double seconds, int inFlight);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach monitor {Endpoint}: {Reason}")]
    private static partial void LogConnectFailed(ILogger log, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disconnected from monitor {Endpoint}: {Reason}")]
    private static partial void LogDisconnected(ILogger log, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitor {Endpoint} is not the leader (leader {Leader}); trying {Endpoints}")]
    private static partial void LogNotLeader(ILogger log, string endpoint, string leader, string endpoints);

    [LoggerMessage(Level = LogLevel.Error, Message = "Spool full: {Kind} with sequence {Sequence} could not be stored and will not be delivered")]
    private static partial void LogSpoolRefused(ILogger log, SpoolRecordKind kind, ulong sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Monitor refused envelope {Sequence}: {Reason} ({Detail}); it will not be resent")]
    private static partial void LogEnvelopeRejected(ILogger log, ulong sequence, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Monitor refused the connection: {Reason} ({Detail})")]
    private static partial void LogConnectionRefused(ILogger log, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a message from the monitor: {Reason}")]
    private static partial void LogInboundRejected(ILogger log, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unexpected frame from monitor: {Body}")]
    private static partial void LogUnexpectedFrame(ILogger log, string body);
}
