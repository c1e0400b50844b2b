using System.Threading.Channels;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Sessions;

/// <summary>
/// The conversation with one watcher: hello, then sealed envelopes each answered by an
/// acknowledgement (accepted or duplicate) or a rejection. Frame-level violations (oversized,
/// malformed, unknown version, a message its role may not send) close the connection; envelope
/// rejections are answered and counted, and the connection stays up so honest traffic continues.
/// </summary>
internal sealed class WatcherSession(AuthenticatedConnection connection, EnvelopeVerifier verifier, RejectionCounters rejections,
    WatcherSessions sessions, IEnvelopeKeyProvider keys, HostRateLimiter rateLimiter, TimeProvider time)
{
    private readonly string _hostId = connection.Identity.HostId
        ?? throw new ArgumentException("A watcher connection needs a certificate that names its host.", nameof(connection));
    private readonly SemaphoreSlim _pushLock = new(1, 1);

    // Replies in the order their envelopes arrived; each waits until its message is durable.
    private readonly Channel<PendingReply> _replies = Channel.CreateBounded<PendingReply>(
        new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _aborted = new();
    private uint _watcherKeyId;
    private volatile bool _cumulativeAcks;
    private EnvelopeSealer? _sealer;

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await ServeAsync(stopping);
        }
        finally
        {
            sessions.Unregister(_hostId, this);
            _aborted.Dispose();
        }
    }

    /// <summary>Ends the session from outside (revocation): reading stops and the connection closes.</summary>
    public void Abort()
    {
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session already ended.
        }
    }

    private async Task ServeAsync(CancellationToken stopping)
    {
        // Acknowledgements go through the write loop: a watcher resending its spool gets them
        // batched into few TLS records instead of one write per envelope. The read loop never
        // waits for the store: the reply pump does, in order.
        connection.StartWriteLoop();
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(stopping, _aborted.Token);
        var pump = PumpRepliesAsync(abort);
        try
        {
            await ReadLoopAsync(abort.Token);
        }
        finally
        {
            _replies.Writer.TryComplete();
            await pump;
        }
    }

    private async Task ReadLoopAsync(CancellationToken stopping)
    {
        var context = new ConnectionContext(_hostId, connection.Identity.Remote);
        while (!stopping.IsCancellationRequested)
        {
            var read = await connection.ReadAsync(stopping);
            if (read.Status == FrameReadStatus.EndOfStream)
            {
                return;
            }
            if (!read.IsFrame)
            {
                await RefuseAndCloseAsync(read.ToRejectionReason(), read.ToString(), stopping);
                return;
            }

            var frame = read.Frame!;
            switch (frame.BodyCase)
            {
                case Frame.BodyOneofCase.Hello:
                    if (!string.Equals(frame.Hello.HostId, _hostId, StringComparison.Ordinal))
                    {
                        await RefuseAndCloseAsync(RejectionReason.HostMismatch,
                            $"hello names host '{Printable(frame.Hello.HostId)}' but the certificate is for '{_hostId}'", stopping);
                        return;
                    }
                    var mark = await verifier.HighWaterMarkAsync(_hostId, stopping);
                    _cumulativeAcks = frame.Hello.CumulativeAcks;
                    await ReplyAsync(Frames.Ack(0, AckStatus.Unspecified, mark), stopping);
                    sessions.Register(_hostId, this);
                    break;

                case Frame.BodyOneofCase.Envelope:
                    // A host over its rate has its heartbeats shed, and its connection slowed below.
                    var wait = rateLimiter.Acquire(_hostId);
                    var outcome = await verifier.VerifyAsync(context, frame.Envelope, overRate: wait > TimeSpan.Zero, stopping);
                    if (outcome.KeyId != 0 && Interlocked.Exchange(ref _watcherKeyId, outcome.KeyId) == 0)
                    {
                        sessions.OnReady(_hostId);
                    }
                    await _replies.Writer.WriteAsync(outcome.Status switch
                    {
                        VerificationStatus.Accepted => new PendingReply(null, outcome.Sequence, AckStatus.Accepted, outcome.HighWaterMark, outcome.Storage.Durable),
                        VerificationStatus.Duplicate => new PendingReply(null, outcome.Sequence, AckStatus.Duplicate, outcome.HighWaterMark, Task.CompletedTask),
                        _ => PendingReply.Of(Frames.Rejection(outcome.Reason, outcome.Reason.ToMetricName(), outcome.Sequence)),
                    }, stopping);
                    await KeepToRateAsync(wait, stopping);
                    break;

                default:
                    await RefuseAndCloseAsync(RejectionReason.WrongRole,
                        $"a watcher may not send {frame.BodyCase}", stopping);
                    return;
            }
        }
    }

    /// <summary>When the envelope just handled found no token of its host's rate (see
    /// <see cref="HostRateLimiter"/>), waits for one before the next envelope is read.</summary>
    private async ValueTask KeepToRateAsync(TimeSpan wait, CancellationToken stopping)
    {
        if (wait <= TimeSpan.Zero)
        {
            return;
        }
        rejections.Reject(_hostId, RejectionReason.RateLimited, "over the per-host rate; reading slowed", connection.Identity.Remote);
        while (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, stopping);
            wait = rateLimiter.Acquire(_hostId);
        }
    }

    private ValueTask ReplyAsync(Frame frame, CancellationToken stopping) => _replies.Writer.WriteAsync(PendingReply.Of(frame), stopping);

    /// <summary>Sends each reply once its message is durable, in arrival order. For a watcher that asked
    /// for cumulative acks, the acks of a run of envelopes already durable go out as one, for the last
    /// of them (sent before the pump waits for anything, so nothing durable is held back). If a message
    /// cannot be stored, nothing after it is acknowledged either: the connection is closed and the
    /// watcher resends.</summary>
    private async Task PumpRepliesAsync(CancellationTokenSource abort)
    {
        var reader = _replies.Reader;
        PendingReply? held = null;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var reply))
                {
                    if (!reply.Durable.IsCompleted && held is { } waiting)
                    {
                        held = null;
                        await connection.EnqueueAsync(waiting.ToFrame(), abort.Token);
                    }
                    try
                    {
                        await reply.Durable;
                    }
                    catch (Exception storeFailure) when (storeFailure is not OperationCanceledException)
                    {
                        rejections.Reject(_hostId, RejectionReason.None, "message could not be stored; closing so the watcher resends", connection.Identity.Remote);
                        await abort.CancelAsync();
                        return;
                    }
                    if (reply.Frame is null && _cumulativeAcks)
                    {
                        held = reply;
                        continue;
                    }
                    if (held is { } before)
                    {
                        held = null;
                        await connection.EnqueueAsync(before.ToFrame(), abort.Token);
                    }
                    await connection.EnqueueAsync(reply.ToFrame(), abort.Token);
                }
                if (held is { } last)
                {
                    held = null;
                    await connection.EnqueueAsync(last.ToFrame(), abort.Token);
                }
            }
        }
        catch (Exception gone) when (gone is IOException or ChannelClosedException or OperationCanceledException)
        {
            await abort.CancelAsync(); // the peer is gone; stop reading too
        }
    }

    /// <summary>A reply in waiting: a frame as it is (hello answer, rejection), or an ack built only
    /// when it is sent, since cumulative acks send few of them.</summary>
    private readonly record struct PendingReply(Frame? Frame, ulong Sequence, AckStatus Status, ulong HighWaterMark, Task Durable)
    {
        public static PendingReply Of(Frame frame) => new(frame, 0, AckStatus.Unspecified, 0, Task.CompletedTask);

        public Frame ToFrame() => Frame ?? Frames.Ack(Sequence, Status, HighWaterMark);
    }

    /// <summary>
    /// Seals a message to this watcher under the key id it last sealed with (the one it certainly
    /// holds) and sends it. Sequences are derived from the clock (microseconds since the epoch, kept
    /// increasing) so they keep increasing across sessions and monitor restarts without state; the
    /// sealer's random nonce prefix covers the rest.
    /// </summary>
    public async ValueTask<bool> PushAsync(MonitorMessage message, CancellationToken cancellationToken)
    {
        var keyId = Volatile.Read(ref _watcherKeyId);
        if (keyId == 0)
        {
            return false;
        }
        await _pushLock.WaitAsync(cancellationToken);
        try
        {
            if (_sealer?.Key.KeyId != keyId)
            {
                if (!keys.TryGetKey(_hostId, keyId, Direction.MonitorToWatcher, out var key, out _))
                {
                    return false;
                }
                _sealer = new EnvelopeSealer(key);
            }
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var sequence = Math.Max(_sealer.LastSequence + 1, (ulong)now * 1000);
            var sealedEnvelope = _sealer.Seal(sequence, now, message);
            await connection.SendAsync(Frames.Envelope(sealedEnvelope), cancellationToken);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        finally
        {
            _pushLock.Release();
        }
    }

    private async Task RefuseAndCloseAsync(RejectionReason reason, string detail, CancellationToken stopping)
    {
        rejections.Reject(_hostId, reason, detail, connection.Identity.Remote);
        try
        {
            await ReplyAsync(Frames.Rejection(reason, reason.ToMetricName()), stopping);
        }
        catch (Exception error) when (error is IOException or ChannelClosedException or OperationCanceledException)
        {
            // The peer may already be gone; the rejection is counted either way.
        }
    }

    /// <summary>Peer text shown in logs is cut short and stripped of control characters (log injection).</summary>
    internal static string Printable(string text) =>
        new([.. text.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
}
