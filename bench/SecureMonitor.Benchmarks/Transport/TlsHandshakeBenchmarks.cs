using BenchmarkDotNet.Attributes;
using SecureMonitor.Pki;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>
/// TLS 1.3 mutual-auth handshakes per second on loopback: watchers (ECDSA P-256 certificates)
/// connect with <c>SecureClient</c> to a <c>SecureListener</c> whose session handler returns at
/// once. An operation ends when the server has validated the client certificate and reached the
/// handler. Client and server share this process and machine, so the figure is the cost of both
/// ends; a monitor serving remote watchers pays only the server's part.
/// </summary>
[TransportJob(oneInvocationPerIteration: true)]
[MemoryDiagnoser]
public class TlsHandshakeBenchmarks
{
    private const int HandshakesPerInvocation = 200;

    private readonly CountingSessionHandler _sessions = new();
    private readonly CountingRejectionSink _rejections = new();
    private LoopbackTransport _transport = null!;
    private IdentityBundle _watcher = null!;
    private MonitorEndpoint _endpoint = null!;

    [Params(1, 4)]
    public int ConcurrentClients { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _transport = LoopbackTransport.CreateWithTemporaryPki();
        _watcher = _transport.IssueWatcher("handshake-watcher");
        _endpoint = _transport.StartListener(_sessions, _rejections);
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _transport.DisposeAsync();

    [Benchmark(OperationsPerInvoke = HandshakesPerInvocation, Description = "TLS 1.3 mutual handshake, ECDSA P-256")]
    public async Task MutualHandshake()
    {
        var served = _sessions.ExpectSessions(HandshakesPerInvocation);
        var clients = new Task[ConcurrentClients];
        for (int i = 0; i < clients.Length; i++)
        {
            clients[i] = ConnectAndCloseAsync(HandshakesPerInvocation / ConcurrentClients);
        }
        await Task.WhenAll(clients);
        await served;
        _rejections.ThrowIfAny();
    }

    private async Task ConnectAndCloseAsync(int connections)
    {
        for (int i = 0; i < connections; i++)
        {
            await using var connection = await LoopbackTransport.ConnectAsync(_watcher, _endpoint);
        }
    }
}
