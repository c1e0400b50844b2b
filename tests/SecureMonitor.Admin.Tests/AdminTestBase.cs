using System.Diagnostics;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Admin.Tests;

/// <summary>
/// Owns what a test starts (PKI folders, monitor nodes, console clients) and tears it down after the
/// test, printing each node's log to the test output so a failure shows what the node saw. Commands
/// go through <see cref="AdminClient"/>, the console's own client, over real TLS 1.3.
/// </summary>
public abstract class AdminTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    protected static readonly TimeSpan Within = Eventually.DefaultWithin;

    private readonly List<PkiFixture> _pkis = [];
    private readonly List<MonitorHarness> _monitors = [];
    private readonly List<IAsyncDisposable> _others = [];

    protected ITestOutputHelper Output { get; } = output;

    protected PkiFixture NewPki(string[]? watchers = null, string[]? viewers = null)
    {
        var pki = new PkiFixture(watchers: watchers, viewers: viewers);
        _pkis.Add(pki);
        return pki;
    }

    protected async Task<MonitorHarness> StartMonitorAsync(PkiFixture pki, MonitorHarnessOptions? options = null)
    {
        var monitor = await MonitorHarness.StartAsync(pki, options);
        _monitors.Add(monitor);
        return monitor;
    }

    /// <summary>A console client for <paramref name="identity"/> (an admin or viewer of the PKI) dialling the nodes given.</summary>
    protected AdminClient Client(PkiFixture pki, string identity, params MonitorHarness[] nodes)
    {
        var client = new AdminClient(new AdminClientOptions
        {
            IdentityDirectory = pki.Paths.AdminBundle(identity),
            Monitors = [.. nodes.Select(node => node.Endpoint)],
            Timeout = Within,
        }, pki.LoadAdmin(identity));
        _others.Add(client);
        return client;
    }

    protected AdminClient Admin(MonitorHarness monitor) => Client(monitor.Pki, PkiDirectory.DefaultAdminName, monitor);

    protected T Track<T>(T disposable) where T : IAsyncDisposable
    {
        _others.Add(disposable);
        return disposable;
    }

    /// <summary>Runs a command that must succeed; its JSON result.</summary>
    protected static async Task<JsonObject> OkAsync(AdminClient client, string command, params string[] arguments)
    {
        var result = await client.RunAsync(command, arguments, CancellationToken.None);
        Assert.True(result.Reply.Ok, $"'{command} {string.Join(' ', arguments)}' failed: {result.Reply.Error}");
        return Assert.IsType<JsonObject>(JsonNode.Parse(result.Reply.Json));
    }

    /// <summary>Runs a command that must fail; the reply.</summary>
    protected static async Task<AdminReply> FailsAsync(AdminClient client, string command, params string[] arguments)
    {
        var result = await client.RunAsync(command, arguments, CancellationToken.None);
        Assert.False(result.Reply.Ok, $"'{command} {string.Join(' ', arguments)}' should have failed: {result.Reply.Json}");
        return result.Reply;
    }

    /// <summary>Repeats a read-only command until its result satisfies <paramref name="condition"/> (bounded).</summary>
    protected static async Task<JsonObject> UntilAsync(AdminClient client, Func<JsonObject, bool> condition, string what, string command,
        params string[] arguments)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var result = await OkAsync(client, command, arguments);
            if (condition(result))
            {
                return result;
            }
            if (Stopwatch.GetElapsedTime(started) > Within)
            {
                throw new TestKitAssertionException($"Not within {Within.TotalSeconds} s: {what}; last '{command}': {result.ToJsonString()}");
            }
            await Task.Yield();
        }
    }

    /// <summary>Alerts from <paramref name="hosts"/> (one each, accepted), enough to open a DoS incident at the default K = 3.</summary>
    protected static async Task SendAlertsAsync(MonitorHarness monitor, params string[] hosts)
    {
        foreach (var host in hosts)
        {
            await using var watcher = await monitor.ConnectWatcherAsync(host);
            await watcher.SendAlertAsync();
        }
    }

    protected static async Task SendHeartbeatAsync(TestWatcherConnection watcher)
    {
        var reply = await watcher.SendEnvelopeAsync(watcher.Seal(new WatcherMessage { Heartbeat = new Heartbeat { UptimeMs = 1_000 } }));
        TestWatcherConnection.ExpectAck(reply, AckStatus.Accepted);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var index = _others.Count - 1; index >= 0; index--)
        {
            await _others[index].DisposeAsync();
        }
        for (var index = _monitors.Count - 1; index >= 0; index--)
        {
            var monitor = _monitors[index];
            await monitor.DisposeAsync();
            Output.WriteLine($"--- log of monitor #{index} ({monitor.Options.NodeId}) ---");
            Output.WriteLine(monitor.Logs.Dump());
        }
        foreach (var pki in _pkis)
        {
            pki.Dispose();
        }
    }
}

internal static class Json
{
    public static JsonArray Array(this JsonObject result, string key) => Assert.IsType<JsonArray>(result[key]);

    public static IReadOnlyList<JsonObject> Objects(this JsonObject result, string key) => [.. result.Array(key).Select(item => Assert.IsType<JsonObject>(item))];

    public static string? Text(this JsonNode? node, string key) => (string?)node?[key];
}
