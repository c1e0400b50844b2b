using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;
using SecureMonitor.Transport.Client;

namespace SecureMonitor.Simulation.Fleet;

/// <summary>
/// A watcher's TLS 1.3 connection to a monitor, past the hello: opened with the watcher's own
/// certificate (<see cref="SecureClient"/>), it says hello for its host and keeps the high-water
/// mark the monitor answered with, after which new sequences must continue.
/// <code>[Socket] &lt;== [SslStream] &lt;== frames (FramedConnection) &lt;== hello, then sealed envelopes</code>
/// </summary>
public sealed class WatcherLink : IAsyncDisposable
{
    private WatcherLink(FramedConnection connection, ulong resumedAfter)
    {
        Connection = connection;
        ResumedAfter = resumedAfter;
    }

    public FramedConnection Connection { get; }

    /// <summary>The monitor's high-water mark for the host when the link opened.</summary>
    public ulong ResumedAfter { get; }

    /// <summary>Connects, says hello and reads the monitor's answer, all within <paramref name="timeout"/>.</summary>
    /// <exception cref="NotLeaderException">The monitor is a follower and named the leader's endpoint.</exception>
    /// <exception cref="TransportException">The monitor cannot be reached, refused the handshake, or did not answer the hello with an acknowledgement.</exception>
    public static async Task<WatcherLink> OpenAsync(MonitorEndpoint endpoint, IdentityBundle watcher, string agentVersion, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        var hostId = watcher.Psk?.HostId ?? throw new ArgumentException($"{watcher} is not a watcher bundle (no pre-shared key).", nameof(watcher));
        var connection = await SecureClient.ConnectAsync(endpoint, new SecureClientOptions { Identity = watcher, ConnectTimeout = timeout }, cancellationToken);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await connection.SendAsync(Frames.Hello(hostId, agentVersion), deadline.Token);
            var answer = await connection.ReadAsync(deadline.Token);
            if (answer.Frame is { BodyCase: Frame.BodyOneofCase.Ack } ack)
            {
                return new WatcherLink(connection, ack.Ack.HighWaterMark);
            }
            if (answer.Frame is { BodyCase: Frame.BodyOneofCase.NotLeader } notLeader)
            {
                throw new NotLeaderException(endpoint, string.IsNullOrEmpty(notLeader.NotLeader.LeaderNode) ? null : notLeader.NotLeader.LeaderNode,
                    [.. notLeader.NotLeader.TryEndpoints.Select(text => MonitorEndpoint.TryParse(text, out var parsed, out _) ? parsed : null).OfType<MonitorEndpoint>()]);
            }
            throw new TransportException($"monitor {endpoint} did not acknowledge the hello of {hostId}: {Describe(answer)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            throw new TransportException($"monitor {endpoint} did not answer the hello of {hostId} within {timeout.TotalSeconds:0.#} s");
        }
        catch (IOException error)
        {
            await connection.DisposeAsync();
            throw new TransportException($"monitor {endpoint} closed the connection of {hostId}: {error.Message}", error);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static string Describe(FrameReadResult read) => read.Frame switch
    {
        { BodyCase: Frame.BodyOneofCase.Rejection } frame =>
            $"refused ({RejectionReasonNames.FromWireCode(frame.Rejection.Reason).ToMetricName()}: {frame.Rejection.Detail})",
        { } frame => frame.BodyCase.ToString(),
        null => read.ToString(),
    };

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
