using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Sessions;

/// <summary>
/// The conversation with one watcher: hello, then sealed envelopes each answered by an
/// acknowledgement (accepted or duplicate) or a rejection. Frame-level violations (oversized,
/// malformed, unknown version, a message its role may not send) close the connection; envelope
/// rejections are answered and counted, and the connection stays up so honest traffic continues.
/// </summary>
internal sealed class WatcherSession(AuthenticatedConnection connection, EnvelopeVerifier verifier, RejectionCounters rejections)
{
    private readonly string _hostId = connection.Identity.HostId
        ?? throw new ArgumentException("A watcher connection needs a certificate that names its host.", nameof(connection));

    public async Task RunAsync(CancellationToken stopping)
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
                    await connection.SendAsync(Frames.Ack(0, AckStatus.Unspecified, mark), stopping);
                    break;

                case Frame.BodyOneofCase.Envelope:
                    var outcome = await verifier.VerifyAsync(context, frame.Envelope, stopping);
                    await connection.SendAsync(outcome.Status switch
                    {
                        VerificationStatus.Accepted => Frames.Ack(outcome.Sequence, AckStatus.Accepted, outcome.HighWaterMark),
                        VerificationStatus.Duplicate => Frames.Ack(outcome.Sequence, AckStatus.Duplicate, outcome.HighWaterMark),
                        _ => Frames.Rejection(outcome.Reason, outcome.Reason.ToMetricName(), outcome.Sequence),
                    }, stopping);
                    break;

                default:
                    await RefuseAndCloseAsync(RejectionReason.WrongRole,
                        $"a watcher may not send {frame.BodyCase}", stopping);
                    return;
            }
        }
    }

    private async Task RefuseAndCloseAsync(RejectionReason reason, string detail, CancellationToken stopping)
    {
        rejections.Reject(_hostId, reason, detail, connection.Identity.Remote);
        try
        {
            await connection.SendAsync(Frames.Rejection(reason, reason.ToMetricName()), stopping);
        }
        catch (IOException)
        {
            // The peer may already be gone; the rejection is counted either way.
        }
    }

    /// <summary>Peer text shown in logs is cut short and stripped of control characters (log injection).</summary>
    internal static string Printable(string text) =>
        new([.. text.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
}
