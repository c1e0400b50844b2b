using System.Net.Security;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Transport.Listening;

/// <summary>A server-side connection whose client has proved <see cref="Identity"/> with a
/// certificate from the project CA.</summary>
public sealed class AuthenticatedConnection(SslStream stream, ConnectionIdentity identity, FrameLimits limits)
    : FramedConnection(stream, limits)
{
    public ConnectionIdentity Identity { get; } = identity;
}
