using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SecureMonitor.Actors;
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
/// Connection attempts run off the actor (their outcome comes back as a message) so a slow or dead
/// monitor never delays spooling.
/// </summary>
public sealed partial class SenderActor : Actor
{
    private readonly SenderOptions _options;
    private readonly DurableSpool _spool;
    private readonly SequenceReservation _sequences;
    private readonly EnvelopeSealer _sealer;
    private readonly EnvelopeOpener _opener;
    private readonly InMemoryEnvelopeKeys _inboundKeys = new();
    private readonly MonitorEndpoints _endpoints;
    private readonly ReconnectBackoff _backoff;
    private readonly string _hostId;
    private readonly long _startedAt;

    private MonitorLink? _link;
    private bool _connecting;
    private bool _live;
    private ulong _sentThrough;
    private int _inFlight;
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
        _startedAt = Context.System.TimeProvider.GetTimestamp();
    }

    protected override void PreStart()
    {
        Context.Timers.StartPeriodic("heartbeat", HeartbeatDue.Instance, _options.HeartbeatInterval);
        Self.Tell(ConnectDue.Instance);
    }

    protected override async ValueTask ReceiveAsync(object message)
    {
        switch (message)
        {
            case Deliver deliver:
                await SpoolAndSendAsync(deliver.Kind, deliver.Message);
                break;
            case LatestMetrics latest:
                _latestMetrics = latest.Values;
                break;
            case HeartbeatDue:
                await SpoolAndSendAsync(SpoolRecordKind.Heartbeat, BuildHeartbeat());
                break;
            case ConnectDue:
                StartConnecting();
                break;
            case LinkConnected connected:
                _connecting = false;
                await OnConnectedAsync(connected.Link);
                break;
            case LinkFailed failed:
                _connecting = false;
                LogConnectFailed(Context.Log, failed.Endpoint, failed.Reason);
                ScheduleReconnect();
                break;
            case LinkFrame { Link: var link, Frame: var frame } when link == _link:
                await OnFrameAsync(frame);
                break;
            case LinkClosed closed when closed.Link == _link:
                LogDisconnected(Context.Log, closed.Link.Endpoint.ToString(), closed.Reason);
                await DropLinkAsync();
                ScheduleReconnect();
                break;
            case LinkFrame or LinkClosed:
                break; // from a link already replaced
            case GetDeliveryStatus:
                Sender.Tell(new DeliveryStatus(_live, _link?.Endpoint.ToString(), _spool.Count, _delivered, _spool.DroppedHeartbeats,
                    _spool.RefusedAlerts, _rejectedByMonitor, _sealer.LastSequence));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private async ValueTask SpoolAndSendAsync(SpoolRecordKind kind, WatcherMessage message)
    {
        var sequence = _sequences.Next();
        var sealedEnvelope = _sealer.Seal(sequence, Context.System.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), message);
        var result = _spool.Append(kind, sequence, sealedEnvelope.ToByteArray());
        if (result == SpoolAppendResult.Refused)
        {
            // Never silent: the operator sees it here, the monitor in the next heartbeat's counters.
            LogSpoolRefused(Context.Log, kind, sequence);
            return;
        }
        await SendPendingAsync();
    }

    private WatcherMessage BuildHeartbeat()
    {
        var heartbeat = new Heartbeat
        {
            UptimeMs = (long)Context.System.TimeProvider.GetElapsedTime(_startedAt).TotalMilliseconds,
            SpoolDepth = (ulong)_spool.Count,
            SpoolDropped = (ulong)(_spool.DroppedHeartbeats + _spool.RefusedAlerts),
        };
        foreach (var (name, value) in _latestMetrics)
        {
            heartbeat.Metrics[name] = value;
        }
        return new WatcherMessage { Heartbeat = heartbeat };
    }

    private void StartConnecting()
    {
        if (_link is not null || _connecting)
        {
            return;
        }
        _connecting = true;
        var endpoint = _endpoints.Next();
        var self = Self;
        var clientOptions = new SecureClientOptions
        {
            Identity = _options.Identity,
            ConnectTimeout = _options.ConnectTimeout,
            FrameLimits = _options.FrameLimits,
            Time = Context.System.TimeProvider,
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
    }

    private async ValueTask OnConnectedAsync(MonitorLink link)
    {
        _link = link;
        _live = false;
        _inFlight = 0;
        _sentThrough = 0;
        link.StartReading(Self);
        LogConnected(Context.Log, link.Endpoint.ToString(), _spool.Count);
        await link.SendAsync(Frames.Hello(_hostId, _options.AgentVersion, cumulativeAcks: true));
    }

    private async ValueTask OnFrameAsync(Frame frame)
    {
        switch (frame.BodyCase)
        {
            case Frame.BodyOneofCase.Ack when !_live:
                // The hello answer: everything up to the monitor's high-water mark is already stored
                // there (e.g. acknowledged just before a crash): drop it from the spool, never reuse
                // those numbers, then resend the rest.
                var mark = frame.Ack.HighWaterMark;
                _spool.AcknowledgeThrough(mark);
                _sequences.EnsureAbove(mark);
                _live = true;
                _backoff.Reset();
                await SendPendingAsync();
                break;
            case Frame.BodyOneofCase.Ack:
                // Cumulative (asked for in the hello): everything sent up to this sequence is done. The
                // spool sends in sequence order, so that is exactly what this connection sent before
                // it; a monitor that acknowledges one by one, in order, means the same.
                var acknowledged = _spool.AcknowledgeThrough(frame.Ack.Sequence);
                _inFlight = Math.Max(0, _inFlight - acknowledged);
                _delivered += acknowledged;
                if (_inFlight <= _options.MaxInFlight / 2)
                {
                    await SendPendingAsync();
                }
                break;
            case Frame.BodyOneofCase.Rejection:
                await OnRejectionAsync(frame.Rejection);
                break;
            case Frame.BodyOneofCase.NotLeader:
                LogNotLeader(Context.Log, _link!.Endpoint.ToString(), frame.NotLeader.LeaderNode, string.Join(",", frame.NotLeader.TryEndpoints));
                _endpoints.Prefer(frame.NotLeader.TryEndpoints);
                await DropLinkAsync();
                _backoff.Reset();
                Self.Tell(ConnectDue.Instance);
                break;
            case Frame.BodyOneofCase.Envelope:
                OnMonitorEnvelope(frame.Envelope);
                break;
            default:
                LogUnexpectedFrame(Context.Log, frame.BodyCase.ToString());
                break;
        }
    }

    private async ValueTask OnRejectionAsync(Rejection rejection)
    {
        var reason = RejectionReasonNames.FromWireCode(rejection.Reason);
        if (rejection.Sequence == 0)
        {
            // A connection-level refusal: the monitor closes; the reconnect path handles the rest.
            LogConnectionRefused(Context.Log, reason.ToMetricName(), rejection.Detail);
            return;
        }
        // The monitor will never accept this exact envelope (it verified and refused it): keep the
        // spool moving, and say so loudly. Resending it would only be refused again.
        _rejectedByMonitor++;
        _spool.Acknowledge(rejection.Sequence);
        _inFlight = Math.Max(0, _inFlight - 1);
        LogEnvelopeRejected(Context.Log, rejection.Sequence, reason.ToMetricName(), rejection.Detail);
        await SendPendingAsync();
    }

    private void OnMonitorEnvelope(SealedEnvelope envelope)
    {
        if (!_opener.TryOpen(envelope, _hostId, _inboundKeys, out var opened, out var reason))
        {
            LogInboundRejected(Context.Log, reason.ToMetricName());
            return;
        }
        MonitorMessage message;
        try
        {
            message = MonitorMessage.Parser.ParseFrom(opened.Plaintext.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            LogInboundRejected(Context.Log, RejectionReason.Malformed.ToMetricName());
            return;
        }
        if (message.BodyCase == MonitorMessage.BodyOneofCase.ThresholdUpdate)
        {
            Context.Parent.Tell(new ThresholdUpdateReceived(message.ThresholdUpdate), Self);
        }
    }

    /// <summary>Sends spooled envelopes not yet sent on this link, up to the in-flight bound.</summary>
    private async ValueTask SendPendingAsync()
    {
        if (_link is null || !_live)
        {
            return;
        }
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
            await _link.SendBatchAsync(frames);
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The read loop reports the closed link; everything stays spooled.
            return;
        }
        _sentThrough = records[^1].Sequence;
        _inFlight += records.Count;
    }

    private async ValueTask DropLinkAsync()
    {
        var link = _link;
        _link = null;
        _live = false;
        _inFlight = 0;
        if (link is not null)
        {
            await link.DisposeAsync();
        }
    }

    private void ScheduleReconnect() =>
        Context.Timers.StartSingle("connect", ConnectDue.Instance, _backoff.NextDelay());

    protected override void PostStop()
    {
        _link?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _sealer.Key.Dispose();
        _inboundKeys.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to monitor {Endpoint}; {Pending} spooled message(s) to deliver")]
    private static partial void LogConnected(ILogger log, string endpoint, int pending);

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
