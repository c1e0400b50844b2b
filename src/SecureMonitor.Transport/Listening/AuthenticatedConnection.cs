using System.Net.Security;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Transport.Listening;

/// <summary>A server-side connection whose client has proved <see cref="Identity"/> with a
/// certificate from the project CA. It keeps the time its session began waiting for the peer's next
/// frame, so the listener can close sessions whose peer fell silent.</summary>
public sealed class AuthenticatedConnection(SslStream stream, ConnectionIdentity identity, FrameLimits limits, TimeProvider time)
    : FramedConnection(stream, limits)
{
    private const long NotWaiting = long.MinValue;

    private long _waitingSince = NotWaiting;
    private int _keptOpen;

    public ConnectionIdentity Identity { get; } = identity;

    public override async ValueTask<FrameReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        // Only time spent waiting for the peer counts as idle: a session held back by its own work
        // (a full store queue) is not idle, its peer is being made to wait.
        Volatile.Write(ref _waitingSince, time.GetTimestamp());
        try
        {
            return await base.ReadAsync(cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _waitingSince, NotWaiting);
        }
    }

    /// <summary>
    /// Exempts the session from the idle timeout until the result is disposed: for a stream the
    /// monitor sends (an admin console's <c>tail</c>), during which the console rightly says nothing.
    /// </summary>
    public IDisposable KeepOpenWhileIdle()
    {
        Interlocked.Increment(ref _keptOpen);
        return new Release(this);
    }

    /// <summary>Whether the session has waited longer than <paramref name="limit"/> for a frame from a
    /// peer that is not exempt.</summary>
    public bool IsIdleLongerThan(TimeSpan limit)
    {
        var since = Volatile.Read(ref _waitingSince);
        return since != NotWaiting && Volatile.Read(ref _keptOpen) == 0 && time.GetElapsedTime(since) >= limit;
    }

    private sealed class Release(AuthenticatedConnection connection) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref connection._keptOpen);
            }
        }
    }
}
