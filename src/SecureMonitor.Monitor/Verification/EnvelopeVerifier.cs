using System.Collections.Concurrent;
using Google.Protobuf;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Monitor.Verification;

/// <summary>
/// Runs the envelope layers in order for one authenticated watcher connection's messages:
/// AES-256-GCM tag and HMAC-SHA256 (the opener, which also pins the header's host id to the
/// certificate's), then the sequence high-water mark (replay), then strict parsing of the payload.
/// Each host is verified by one task at a time: the derived keys are not thread-safe and the
/// sequence check and commit must not interleave, even if an attacker opens two connections.
/// Storing is not awaited here (see <see cref="VerificationOutcome.Storage"/>), so a connection
/// keeps verifying while earlier messages are committed in a batch.
/// </summary>
public sealed class EnvelopeVerifier(IEnvelopeKeyProvider keys, IVerifiedMessageSink sink, RejectionCounters rejections, int maxCiphertextBytes)
{
    private readonly EnvelopeOpener _opener = new(Direction.WatcherToMonitor, maxCiphertextBytes);
    private readonly ConcurrentDictionary<string, HostState> _hosts = new(StringComparer.Ordinal);

    /// <summary>The high-water mark a (re)connecting watcher should resume after.</summary>
    public async ValueTask<ulong> HighWaterMarkAsync(string hostId, CancellationToken cancellationToken)
    {
        var state = await StateAsync(hostId, cancellationToken);
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            return state.Sequences.Committed;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <param name="overRate">The host is over its rate: a heartbeat is shed rather than stored.</param>
    public async ValueTask<VerificationOutcome> VerifyAsync(ConnectionContext connection, SealedEnvelope envelope, bool overRate,
        CancellationToken cancellationToken)
    {
        var hostId = connection.HostId;
        var state = await StateAsync(hostId, cancellationToken);
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!_opener.TryOpen(envelope, hostId, keys, out var opened, out var reason))
            {
                rejections.Reject(hostId, reason, $"envelope refused ({reason.ToMetricName()})", connection.Remote);
                return VerificationOutcome.Rejected(reason);
            }

            if (state.Sequences.Classify(opened.Sequence) == SequenceClass.Duplicate)
            {
                rejections.Reject(hostId, RejectionReason.Replay,
                    $"sequence {opened.Sequence} already processed (high-water mark {state.Sequences.Committed})", connection.Remote);
                return VerificationOutcome.Duplicate(opened.Sequence, state.Sequences.Committed, opened.KeyId);
            }

            WatcherMessage message;
            try
            {
                message = WatcherMessage.Parser.ParseFrom(opened.Plaintext.Span);
            }
            catch (InvalidProtocolBufferException)
            {
                // Authenticated but unparseable: the sender holds the key, so this is a broken or
                // hostile watcher, not line noise.
                rejections.Reject(hostId, RejectionReason.Malformed, "sealed payload is not a WatcherMessage", connection.Remote);
                return VerificationOutcome.Rejected(RejectionReason.Malformed, opened.Sequence);
            }
            if (message.BodyCase == WatcherMessage.BodyOneofCase.None)
            {
                rejections.Reject(hostId, RejectionReason.Malformed, "sealed payload has no body", connection.Remote);
                return VerificationOutcome.Rejected(RejectionReason.Malformed, opened.Sequence);
            }

            if (message.BodyCase == WatcherMessage.BodyOneofCase.Heartbeat && (overRate || sink.Overloaded))
            {
                // Shed: acknowledged (in order, after everything before it is durable) so the watcher
                // does not resend it, counted, and told to the host's liveness; never stored. A gap in
                // the stored marks is allowed (a watcher's full spool drops heartbeats too).
                state.Sequences.Commit(opened.Sequence);
                sink.HeartbeatShed(opened);
                rejections.Shed(hostId, overRate ? ShedCause.HostOverRate : ShedCause.StoreBacklog);
                return VerificationOutcome.Accepted(opened.Sequence, opened.KeyId, AcceptedMessage.Stored);
            }

            // The mark moves when the message is queued, so a resend racing the commit is already
            // a duplicate; if the commit fails, the host's mark is reloaded from the sink.
            var accepted = await sink.AcceptAsync(opened, message, cancellationToken);
            state.Sequences.Commit(opened.Sequence);
            state.ForgetOnFailure(accepted.Durable, _hosts, hostId);
            return VerificationOutcome.Accepted(opened.Sequence, opened.KeyId, accepted);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async ValueTask<HostState> StateAsync(string hostId, CancellationToken cancellationToken)
    {
        if (_hosts.TryGetValue(hostId, out var state))
        {
            return state;
        }
        var committed = await sink.HighWaterMarkAsync(hostId, cancellationToken);
        return _hosts.GetOrAdd(hostId, _ => new HostState(committed));
    }

    private sealed class HostState(ulong committed)
    {
        private Task? _watched;

        public SemaphoreSlim Gate { get; } = new(1, 1);
        public SequenceHighWaterMark Sequences { get; } = new(committed);

        /// <summary>A message that could not be stored was never acknowledged: the host's cached mark is
        /// dropped so the watcher's resend is accepted, not taken for a duplicate. Messages stored
        /// together share one task, so this watches each batch once per host, not each message.</summary>
        public void ForgetOnFailure(Task durable, ConcurrentDictionary<string, HostState> hosts, string hostId)
        {
            if (durable.IsCompletedSuccessfully || ReferenceEquals(durable, _watched))
            {
                return; // the common case: no allocation per message
            }
            _watched = durable;
            durable.ContinueWith(static (_, entry) =>
                {
                    var (hosts, forget) = ((ConcurrentDictionary<string, HostState>, KeyValuePair<string, HostState>))entry!;
                    hosts.TryRemove(forget);
                }, (hosts, new KeyValuePair<string, HostState>(hostId, this)), CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}
