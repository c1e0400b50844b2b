namespace SecureMonitor.Transport.Listening;

/// <summary>
/// Serves one authenticated connection until it ends. The listener has already finished the TLS
/// handshake and validated the client certificate; the handler owns the framed conversation.
/// Exceptions escaping it are logged and close the connection, never the listener.
/// </summary>
public interface ISecureSessionHandler
{
    Task RunAsync(AuthenticatedConnection connection, CancellationToken stopping);
}
