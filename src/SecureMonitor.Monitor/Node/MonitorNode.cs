using System.Net;
using Microsoft.Extensions.Logging;
using SecureMonitor.Monitor.Admin;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Monitor.Sessions;
using SecureMonitor.Monitor.Verification;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Monitor.Node;

/// <summary>
/// One running monitor node: loads its identity and the key ring from the PKI directory, and serves
/// watchers and admin consoles on the TLS listener. The wiring lives here so the CLI, the tests and
/// the simulator start a node the same way.
/// </summary>
public sealed partial class MonitorNode : IAsyncDisposable
{
    private readonly MonitorIdentity _identity;
    private readonly KeyringEnvelopeKeys _keys;
    private readonly SecureListener _listener;
    private readonly ILogger _log;

    private MonitorNode(MonitorIdentity identity, KeyringEnvelopeKeys keys, SecureListener listener,
        RejectionCounters rejections, WatcherSessions watchers, ILogger log)
    {
        Watchers = watchers;
        _identity = identity;
        _keys = keys;
        _listener = listener;
        Rejections = rejections;
        _log = log;
    }

    public IPEndPoint Endpoint => _listener.LocalEndpoint;

    public RejectionCounters Rejections { get; }

    /// <summary>Watchers connected now; push messages (threshold rules) to them here.</summary>
    public WatcherSessions Watchers { get; }

    public int OpenConnections => _listener.OpenConnections;

    public static MonitorNode Start(MonitorOptions options, ILoggerFactory loggers, TimeProvider time,
        IVerifiedMessageSink? sink = null, ISecurityAlertSink? securityAlerts = null)
    {
        var paths = new PkiPaths(options.PkiDirectory);
        var identity = MonitorIdentity.Load(paths);
        var keyring = FileKeyring.Open(paths, time);
        var keys = new KeyringEnvelopeKeys(keyring, time);
        securityAlerts ??= new LoggingSecurityAlertSink(loggers.CreateLogger<LoggingSecurityAlertSink>());
        var tamper = new TamperDetector(options.TamperThreshold, options.TamperWindow, time, securityAlerts);
        var rejections = new RejectionCounters(tamper, time, loggers.CreateLogger<RejectionCounters>());
        sink ??= new MemoryMessageSink(loggers.CreateLogger<MemoryMessageSink>());
        var verifier = new EnvelopeVerifier(keys, sink, rejections, options.MaxFrameBytes);

        var info = new MonitorNodeInfo(options.NodeId, options.Listen.ToString(), typeof(MonitorNode).Assembly.GetName().Version?.ToString(3) ?? "?",
            time.GetUtcNow());
        var admin = new AdminCommandHandler([new StatusCommand(info, rejections, time)]);
        var sessions = new WatcherSessions();
        var handler = new MonitorSessionHandler(verifier, admin, rejections, sessions, keys, time);
        var listener = new SecureListener(new SecureListenerOptions
        {
            Endpoint = options.Listen,
            ServerCertificate = identity.Certificate,
            ClientValidator = new ClientCertificateValidator(identity.CaCertificate, keyring),
            HandshakeTimeout = options.HandshakeTimeout,
            MaxConnections = options.MaxConnections,
            FrameLimits = new FrameLimits(options.MaxFrameBytes),
            Time = time,
        }, handler, rejections, loggers.CreateLogger<SecureListener>());

        var log = loggers.CreateLogger<MonitorNode>();
        try
        {
            listener.Start();
        }
        catch
        {
            keys.Dispose();
            identity.Dispose();
            throw;
        }
        LogStarted(log, options.NodeId, listener.LocalEndpoint, identity.Identity.Name, paths.Root, options.MaxFrameBytes);
        return new MonitorNode(identity, keys, listener, rejections, sessions, log);
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        _keys.Dispose();
        _identity.Dispose();
        LogStopped(_log);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Monitor node {Node} serving on {Endpoint} (certificate {Certificate}, PKI {Pki}, max frame {MaxFrameBytes} B; role: leader, single node)")]
    private static partial void LogStarted(ILogger log, string node, IPEndPoint endpoint, string certificate, string pki, int maxFrameBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitor node stopped")]
    private static partial void LogStopped(ILogger log);
}
