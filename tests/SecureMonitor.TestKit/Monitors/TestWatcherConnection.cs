using Google.Protobuf;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;
using SecureMonitor.Transport.Client;

namespace SecureMonitor.TestKit.Monitors;

/// <summary>
/// A watcher's connection to a monitor, as a test drives it: a real TLS 1.3 connection made by
/// <see cref="SecureClient"/> with the watcher's bundle, and envelopes sealed with the bundle's PSK
/// (or any other key the test supplies, to play an attacker). Every read is bounded by
/// <see cref="Within"/>; a missing answer fails with a <see cref="TestKitAssertionException"/>.
/// </summary>
/// <remarks>
/// Sequences are numbered per connection, strictly increasing across every key used, and start
/// after the high-water mark the monitor reports in answer to the hello, so a second connection of
/// the same host continues where the first stopped. Not thread-safe: one test task drives it.
/// </remarks>
public sealed class TestWatcherConnection : IAsyncDisposable
{
    public const string AgentVersion = "testkit";

    private readonly Dictionary<(string Host, uint KeyId), EnvelopeSealer> _sealers = [];
    private ulong _lastSequence;

    private TestWatcherConnection(FramedConnection connection, IdentityBundle identity, TimeSpan within)
    {
        Connection = connection;
        Identity = identity;
        Within = within;
    }

    public FramedConnection Connection { get; }

    /// <summary>The bundle whose certificate authenticated this connection.</summary>
    public IdentityBundle Identity { get; }

    public string HostId => Identity.Identity.HostId!;

    /// <summary>The bundle's key: what <see cref="Seal(IMessage, PreSharedKey?, string?)"/> uses unless told otherwise.</summary>
    public PreSharedKey Psk => Identity.Psk!;

    /// <summary>Bound of every wait for an answer.</summary>
    public TimeSpan Within { get; }

    /// <summary>The high-water mark the monitor reported in answer to the hello (0 before).</summary>
    public ulong ResumedAfter { get; private set; }

    /// <summary>The sequence the next <see cref="Seal(IMessage, PreSharedKey?, string?)"/> uses.</summary>
    public ulong NextSequence => _lastSequence + 1;

    /// <summary>Connects with a watcher bundle and, unless <paramref name="hello"/> is false, says hello
    /// and resumes after the monitor's high-water mark for the host.</summary>
    public static async Task<TestWatcherConnection> ConnectAsync(MonitorEndpoint endpoint, IdentityBundle watcher, bool hello = true,
        TimeSpan? within = null, CancellationToken cancellationToken = default)
    {
        if (watcher.Identity.Role != CertificateRole.Watcher || watcher.Psk is null)
        {
            throw new ArgumentException($"{watcher} is not a watcher bundle.", nameof(watcher));
        }
        var limit = within ?? Eventually.DefaultWithin;
        var connection = await SecureClient.ConnectAsync(endpoint,
            new SecureClientOptions { Identity = watcher, ConnectTimeout = limit }, cancellationToken);
        var watcherConnection = new TestWatcherConnection(connection, watcher, limit);
        if (hello)
        {
            try
            {
                await watcherConnection.HelloAsync();
            }
            catch
            {
                await watcherConnection.DisposeAsync();
                throw;
            }
        }
        return watcherConnection;
    }

    /// <summary>Sends the hello for this host and expects the monitor's Ack with the high-water mark.</summary>
    public async Task<Ack> HelloAsync()
    {
        await SendAsync(Frames.Hello(HostId, AgentVersion));
        var reply = await ReadFrameAsync();
        if (reply.BodyCase != Frame.BodyOneofCase.Ack)
        {
            throw new TestKitAssertionException($"Expected an Ack to the hello, got {Describe(reply)}.");
        }
        ResumedAfter = reply.Ack.HighWaterMark;
        _lastSequence = Math.Max(_lastSequence, reply.Ack.HighWaterMark);
        return reply.Ack;
    }

    /// <summary>
    /// Seals <paramref name="message"/> as the next sequence. <paramref name="psk"/> defaults to the
    /// bundle's key; <paramref name="headerHostId"/> (default: the key's host) is the host the header
    /// names, which the key derivation binds too.
    /// </summary>
    public SealedEnvelope Seal(IMessage message, PreSharedKey? psk = null, string? headerHostId = null)
    {
        psk ??= Psk;
        var host = headerHostId ?? psk.HostId;
        if (!_sealers.TryGetValue((host, psk.KeyId), out var sealer))
        {
            sealer = new EnvelopeSealer(EnvelopeKey.Derive(psk.Key, host, psk.KeyId, Direction.WatcherToMonitor));
            _sealers.Add((host, psk.KeyId), sealer);
        }
        _lastSequence++;
        return sealer.Seal(_lastSequence, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), message);
    }

    /// <summary>Seals and sends an alert with the bundle's key and expects it to be accepted.</summary>
    public async Task<Ack> SendAlertAsync(string ruleId = "cpu-high")
    {
        var envelope = Seal(SampleAlert(ruleId));
        var reply = await SendEnvelopeAsync(envelope);
        return ExpectAck(reply, AckStatus.Accepted);
    }

    /// <summary>Sends an envelope and returns the monitor's answer (an Ack or a Rejection).</summary>
    public async Task<Frame> SendEnvelopeAsync(SealedEnvelope envelope)
    {
        await SendAsync(Frames.Envelope(envelope));
        return await ReadFrameAsync();
    }

    public async Task SendAsync(Frame frame)
    {
        using var deadline = new CancellationTokenSource(Within);
        await Connection.SendAsync(frame, deadline.Token);
    }

    /// <summary>Writes bytes as they are onto the TLS stream: for frames the <see cref="FrameWriter"/>
    /// refuses to produce (oversized prefixes, other protocol versions).</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        using var deadline = new CancellationTokenSource(Within);
        await Connection.Stream.WriteAsync(bytes, deadline.Token);
        await Connection.Stream.FlushAsync(deadline.Token);
    }

    /// <summary>The next frame; fails if the connection ends or nothing arrives within <see cref="Within"/>.</summary>
    public async Task<Frame> ReadFrameAsync()
    {
        FrameReadResult read;
        using var deadline = new CancellationTokenSource(Within);
        try
        {
            read = await Connection.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TestKitAssertionException($"No frame from the monitor within {Within.TotalSeconds:0.###} s on {HostId}'s connection.");
        }
        return read.IsFrame
            ? read.Frame!
            : throw new TestKitAssertionException($"Expected a frame from the monitor on {HostId}'s connection, got {read}.");
    }

    /// <summary>
    /// Reads until the monitor closes the connection (end of stream or a reset) and returns the frames
    /// that came before; fails if it stays open longer than <see cref="Within"/>.
    /// </summary>
    public async Task<IReadOnlyList<Frame>> WaitForCloseAsync()
    {
        var frames = new List<Frame>();
        using var deadline = new CancellationTokenSource(Within);
        while (true)
        {
            FrameReadResult read;
            try
            {
                read = await Connection.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TestKitAssertionException(
                    $"The monitor did not close {HostId}'s connection within {Within.TotalSeconds:0.###} s (frames: {string.Join(", ", frames.Select(Describe))}).");
            }
            catch (IOException)
            {
                return frames; // reset by the monitor
            }
            if (!read.IsFrame)
            {
                return frames; // end of stream (or a truncated frame cut by the close)
            }
            frames.Add(read.Frame!);
        }
    }

    /// <summary>The Ack in <paramref name="reply"/>, which must have <paramref name="status"/>.</summary>
    public static Ack ExpectAck(Frame reply, AckStatus status) =>
        reply.BodyCase == Frame.BodyOneofCase.Ack && reply.Ack.Status == status
            ? reply.Ack
            : throw new TestKitAssertionException($"Expected Ack {status}, got {Describe(reply)}.");

    /// <summary>The reason in <paramref name="reply"/>, which must be a Rejection.</summary>
    public static RejectionReason ExpectRejection(Frame reply) =>
        reply.BodyCase == Frame.BodyOneofCase.Rejection
            ? RejectionReasonNames.FromWireCode(reply.Rejection.Reason)
            : throw new TestKitAssertionException($"Expected a Rejection, got {Describe(reply)}.");

    /// <summary>A short text of a frame for assertion messages.</summary>
    public static string Describe(Frame frame) => frame.BodyCase switch
    {
        Frame.BodyOneofCase.Ack => $"Ack({frame.Ack.Status}, seq {frame.Ack.Sequence}, mark {frame.Ack.HighWaterMark})",
        Frame.BodyOneofCase.Rejection => $"Rejection({RejectionReasonNames.FromWireCode(frame.Rejection.Reason)}, '{frame.Rejection.Detail}', seq {frame.Rejection.Sequence})",
        _ => frame.BodyCase.ToString(),
    };

    /// <summary>A firing CPU alert, as a watcher's threshold would raise it.</summary>
    public static WatcherMessage SampleAlert(string ruleId = "cpu-high") => new()
    {
        Alert = new Alert
        {
            RuleId = ruleId,
            Metric = "cpu.utilisation",
            Severity = Severity.Critical,
            State = AlertState.Firing,
            Value = 97.5,
            Threshold = 90,
            RaisedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Summary = "CPU above 90 % for 60 s",
        },
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var sealer in _sealers.Values)
        {
            sealer.Key.Dispose();
        }
        _sealers.Clear();
        await Connection.DisposeAsync();
    }
}
