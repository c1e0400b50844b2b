using System.Net;
using SecureMonitor.Monitor;
using SecureMonitor.Monitor.Cluster;
using SecureMonitor.Monitor.Node;
using SecureMonitor.Monitor.Security;
using SecureMonitor.Pki;
using SecureMonitor.Protocol;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;
using SecureMonitor.Transport.Client;

namespace SecureMonitor.TestKit.Monitors;

/// <summary>Settings of a <see cref="MonitorHarness"/>; the defaults suit tests (short handshake timeout).</summary>
public sealed record MonitorHarnessOptions
{
    /// <summary>The node's clock (certificate validity, key grace periods, key ring reloads, tamper
    /// window). A <see cref="ManualTimeProvider"/> must start at the real current time.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Long enough for honest handshakes on a loaded CI machine (1 s was missed there);
    /// tests of the timeout itself set a short one.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public int MaxFrameBytes { get; init; } = FrameLimits.DefaultMaxFrameBytes;

    /// <summary>Silence after which the node closes a session (the product's: 60 s). Off by default here:
    /// tests that move a manual clock by hours (key grace periods) would see their connections closed;
    /// tests of the timeout set one.</summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>How often the node looks at the key ring files (a test that moves its clock far ahead
    /// sets it long, or every period in between fires).</summary>
    public TimeSpan KeyringCheckInterval { get; init; } = SecureMonitor.Pki.FileKeyring.DefaultReloadCheckInterval;

    /// <summary>Port of the node's cluster endpoint on 127.0.0.1; 0 picks a free one.</summary>
    public int ClusterPort { get; init; }

    public int TamperThreshold { get; init; } = 5;

    public TimeSpan TamperWindow { get; init; } = TimeSpan.FromSeconds(60);

    public string NodeId { get; init; } = "test-monitor";

    /// <summary>Port on 127.0.0.1; 0 picks a free one. A fixed port lets a test start the monitor
    /// after a watcher that was configured to dial it.</summary>
    public int Port { get; init; }

    /// <summary>A data directory to reuse (a restarted node); kept on dispose. Null: a fresh
    /// temporary one, deleted on dispose.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The store (default: SQLite in the data directory); a PostgreSQL one comes from a <c>PostgresServer</c>.</summary>
    public SecureMonitor.Monitor.Persistence.MonitorStoreSettings Store { get; init; } = new();

    /// <summary>DoS correlation settings (defaults: the product's).</summary>
    public SecureMonitor.Analysis.Correlation.CorrelationOptions Correlation { get; init; } = new();

    /// <summary>Liveness settings (Down after how long a silence; defaults: the product's).</summary>
    public SecureMonitor.Analysis.Liveness.HostLivenessOptions Liveness { get; init; } = new();

    /// <summary>Envelopes per second one host may send before it is slowed (default: the product's).</summary>
    public int HostMessagesPerSecond { get; init; } = 500;

    /// <summary>Where incident notifications go besides the log (a webhook receiver on loopback, say).</summary>
    public SecureMonitor.Notifications.NotificationSettings Notifications { get; init; } = new();

    /// <summary>Notification channels besides the configured ones (a recording fake, say).</summary>
    public IReadOnlyList<SecureMonitor.Notifications.INotificationChannel> ExtraChannels { get; init; } = [];

    /// <summary>Bound of every wait the harness and its connections do (real time).</summary>
    public TimeSpan Within { get; init; } = Eventually.DefaultWithin;

    /// <summary>The node's view of the cluster for admin commands (e.g. a <see cref="StaticClusterState"/>
    /// follower); null: the node leads alone.</summary>
    public IClusterState? ClusterState { get; init; }

    /// <summary>Cluster endpoints of nodes to join (another harness's <see cref="MonitorHarness.ClusterEndpoint"/>);
    /// none: the node forms a cluster of its own.</summary>
    public IReadOnlyList<MonitorEndpoint> SeedNodes { get; init; } = [];

    /// <summary>Wraps the node's store, e.g. to make a write fail.</summary>
    public Func<SecureMonitor.Storage.IMonitorStore, SecureMonitor.Storage.IMonitorStore>? WrapStore { get; init; }

    /// <summary>The threshold rules the watchers ship with (<c>monitor.thresholds.baseline</c>); none by default.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> ThresholdBaseline { get; init; } = [];
}

/// <summary>
/// A <see cref="MonitorNode"/> started the way the CLI starts one, on <c>127.0.0.1:0</c> with a PKI
/// from a <see cref="PkiFixture"/>, plus what a test needs to observe it: the refusal counters, the
/// verified-message sink, the security alerts raised and the captured log. Connections to it are
/// real TLS 1.3 on loopback.
/// </summary>
public sealed class MonitorHarness : IAsyncDisposable
{
    private readonly string _dataDirectory;

    private MonitorHarness(PkiFixture pki, MonitorHarnessOptions options, MonitorOptions monitorOptions, MonitorNode node,
        RecordingMessageSink sink, RecordingSecurityAlertSink alerts, LogCapture logs, string dataDirectory)
    {
        Pki = pki;
        HarnessOptions = options;
        Options = monitorOptions;
        Node = node;
        Sink = sink;
        SecurityAlerts = alerts;
        Logs = logs;
        _dataDirectory = dataDirectory;
    }

    public PkiFixture Pki { get; }

    public MonitorHarnessOptions HarnessOptions { get; }

    /// <summary>The options the node was started with.</summary>
    public MonitorOptions Options { get; }

    public MonitorNode Node { get; }

    public TimeProvider Time => HarnessOptions.Time;

    /// <summary>Where clients dial: <c>127.0.0.1:&lt;port&gt;</c>, a name the monitor certificate carries.</summary>
    public MonitorEndpoint Endpoint => new("127.0.0.1", Node.Endpoint.Port);

    /// <summary>The node's cluster endpoint, for another node to name as its seed.</summary>
    public MonitorEndpoint ClusterEndpoint => new(Node.ClusterAddress.Host!, Node.ClusterAddress.Port!.Value);

    public IPEndPoint IPEndPoint => new(IPAddress.Loopback, Node.Endpoint.Port);

    public RejectionCounters Rejections => Node.Rejections;

    /// <summary>Every verified message lands here (<see cref="RecordingMessageSink.AcceptedCount"/>).</summary>
    public RecordingMessageSink Sink { get; }

    public RecordingSecurityAlertSink SecurityAlerts { get; }

    public LogCapture Logs { get; }

    /// <summary>Starts a node on the fixture's PKI directory.</summary>
    public static async Task<MonitorHarness> StartAsync(PkiFixture pki, MonitorHarnessOptions? options = null)
    {
        options ??= new MonitorHarnessOptions();
        var dataDirectory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "smdata-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var monitorOptions = new MonitorOptions
        {
            NodeId = options.NodeId,
            Listen = new IPEndPoint(IPAddress.Loopback, options.Port),
            PkiDirectory = pki.Root,
            DataDirectory = dataDirectory,
            Store = options.Store,
            MaxFrameBytes = options.MaxFrameBytes,
            HandshakeTimeout = options.HandshakeTimeout,
            IdleTimeout = options.IdleTimeout,
            KeyringCheckInterval = options.KeyringCheckInterval,
            ClusterPort = options.ClusterPort,
            TamperThreshold = options.TamperThreshold,
            TamperWindow = options.TamperWindow,
            Correlation = options.Correlation,
            SeedNodes = options.SeedNodes,
            ThresholdBaseline = options.ThresholdBaseline,
            Liveness = options.Liveness,
            HostMessagesPerSecond = options.HostMessagesPerSecond,
            Notifications = options.Notifications,
        };
        var logs = new LogCapture();
        var sink = new RecordingMessageSink();
        var alerts = new RecordingSecurityAlertSink();
        try
        {
            var node = await MonitorNode.StartAsync(monitorOptions, logs, options.Time, new MonitorNodeHooks
            {
                OnStored = stored => sink.Observe(stored.HostId, stored.Sequence, stored.Message),
                SecurityAlerts = alerts,
                ClusterState = options.ClusterState,
                WrapStore = options.WrapStore,
                ExtraChannels = options.ExtraChannels,
            });
            if (options.DataDirectory is null && options.SeedNodes.Count == 0)
            {
                // A fresh store: this node is the only bidder, but on a busy machine its first bid may
                // miss its deadline and win at the next round.
                try
                {
                    await Eventually.WaitUntilAsync(() => node.Cluster.IsLeader, () => $"node {options.NodeId} did not take the lease of its own store",
                        options.Within);
                }
                catch
                {
                    await node.DisposeAsync();
                    throw;
                }
            }
            return new MonitorHarness(pki, options, monitorOptions, node, sink, alerts, logs, dataDirectory);
        }
        catch
        {
            if (options.DataDirectory is null && options.SeedNodes.Count == 0)
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            throw;
        }
    }

    /// <summary>Refusals counted for <paramref name="hostId"/> (null: unauthenticated peers) and reason.</summary>
    public long RejectionCount(string? hostId, RejectionReason reason) => Rejections.Count(hostId, reason);

    /// <summary>Refusals of any host for <paramref name="reason"/>, or of any reason when it is null.</summary>
    public long TotalRejections(RejectionReason? reason = null) =>
        Rejections.Snapshot().Where(count => reason is null || count.Reason == reason).Sum(count => count.Count);

    /// <summary>Returns once the count for host and reason is at least <paramref name="atLeast"/>.</summary>
    public Task WaitForRejectionsAsync(string? hostId, RejectionReason reason, long atLeast = 1) =>
        Eventually.WaitUntilAsync(() => RejectionCount(hostId, reason) >= atLeast,
            () => $"expected {atLeast} rejection(s) of {hostId ?? RejectionCounters.Unauthenticated} for {reason.ToMetricName()}, " +
                  $"counted {RejectionCount(hostId, reason)}; all: {string.Join(", ", Rejections.Snapshot())}",
            HarnessOptions.Within);

    /// <summary>Connects as the fixture's watcher <paramref name="hostId"/> (its current bundle).</summary>
    public Task<TestWatcherConnection> ConnectWatcherAsync(string hostId, bool hello = true) =>
        ConnectWatcherAsync(Pki.LoadWatcher(hostId), hello);

    public Task<TestWatcherConnection> ConnectWatcherAsync(IdentityBundle watcher, bool hello = true) =>
        TestWatcherConnection.ConnectAsync(Endpoint, watcher, hello, HarnessOptions.Within);

    /// <summary>A connection with any client bundle (admin, viewer, watcher), without a hello.</summary>
    public async Task<FramedConnection> ConnectAsync(IdentityBundle identity)
    {
        return await SecureClient.ConnectAsync(Endpoint, new SecureClientOptions { Identity = identity, ConnectTimeout = HarnessOptions.Within });
    }

    /// <summary>Sends one admin command on <paramref name="connection"/> and returns the response frame
    /// (an AdminResponse, or whatever else the monitor answered).</summary>
    public async Task<Frame> RunAdminCommandAsync(FramedConnection connection, string command, params string[] arguments)
    {
        using var deadline = new CancellationTokenSource(HarnessOptions.Within);
        var request = new AdminRequest { RequestId = 1, Command = command };
        request.Arguments.Add(arguments);
        await connection.SendAsync(new Frame { ProtocolVersion = ProtocolVersion.Current, AdminRequest = request }, deadline.Token);
        var read = await connection.ReadAsync(deadline.Token);
        return read.IsFrame ? read.Frame! : throw new TestKitAssertionException($"Expected an answer to '{command}', got {read}.");
    }

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        try
        {
            if (HarnessOptions.DataDirectory is null)
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left behind in the temporary folder; harmless.
        }
    }
}
