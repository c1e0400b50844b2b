using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Admin.Tests;

/// <summary>
/// Owns what a test starts (PKI folders, monitor nodes, console clients) and tears it down after the
/// test, printing each node's log to the test output so a failure shows what the node saw. Commands
/// go through <see cref="AdminClient"/>, the console's own client, over real TLS 1.3.
/// </summary>
public abstract class AdminTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan Within = Eventually.DefaultWithin;

    private readonly MonitorTestScope _scope;

    protected AdminTestBase(ITestOutputHelper output)
    {
        Output = output;
        _scope = new MonitorTestScope(output.WriteLine);
    }

    protected ITestOutputHelper Output { get; }

    protected PkiFixture NewPki(string[]? watchers = null, string[]? viewers = null) => _scope.NewPki(watchers, viewers);

    protected Task<MonitorHarness> StartMonitorAsync(PkiFixture pki, MonitorHarnessOptions? options = null) => _scope.StartMonitorAsync(pki, options);

    /// <summary>A console client for <paramref name="identity"/> (an admin or viewer of the PKI) dialling the nodes given.</summary>
    protected AdminClient Client(PkiFixture pki, string identity, params MonitorHarness[] nodes)
    {
        var client = new AdminClient(new AdminClientOptions
        {
            IdentityDirectory = pki.Paths.AdminBundle(identity),
            Monitors = [.. nodes.Select(node => node.Endpoint)],
            Timeout = Within,
        }, pki.LoadAdmin(identity));
        return _scope.Track(client);
    }

    protected AdminClient Admin(MonitorHarness monitor) => Client(monitor.Pki, PkiDirectory.DefaultAdminName, monitor);

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
        JsonObject? result = null;
        // Every command is audited (a store write), so it is repeated on a period, not back to back.
        await Eventually.WaitUntilAsync(async () => condition(result = await OkAsync(client, command, arguments)),
            () => $"{what}; last '{command}': {result?.ToJsonString()}", Within);
        return result!;
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

    public async Task DisposeAsync() => await _scope.DisposeAsync();
}

internal static class Json
{
    public static JsonArray Array(this JsonObject result, string key) => Assert.IsType<JsonArray>(result[key]);

    public static IReadOnlyList<JsonObject> Objects(this JsonObject result, string key) => [.. result.Array(key).Select(item => Assert.IsType<JsonObject>(item))];

    public static string? Text(this JsonNode? node, string key) => (string?)node?[key];
}
