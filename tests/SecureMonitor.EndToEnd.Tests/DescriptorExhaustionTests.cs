using System.Net;
using System.Net.Sockets;
using SecureMonitor.Storage;
using SecureMonitor.Storage.Sqlite;
using SecureMonitor.TestKit.Monitors;
using SecureMonitor.TestKit;
using SecureMonitor.TestKit.Processes;
using Xunit;
using Xunit.Abstractions;

namespace SecureMonitor.EndToEnd.Tests;

/// <summary>
/// A real monitor process under a low open-file limit (prlimit), flooded with more plain TCP
/// connections than it has descriptors, no certificate needed. It once ran out of descriptors, retried
/// the failing accept at once (33,300 log lines in 5 s) and died ("Out of memory", exit 134: the
/// runtime cannot load an assembly without a descriptor either). Now the connection cap engages
/// first: the monitor survives, never fails an accept, and still takes a real watcher's alert once the
/// flood's handshakes time out. (Run with no descriptor reserve, the same flood still kills it the old
/// way, which is what the reserve is for; the accept backoff itself is tested in ConnectionLimitTests.)
/// </summary>
public sealed class DescriptorExhaustionTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The monitor holds about 220 descriptors when idle (assemblies, store, pipes).</summary>
    private const int DescriptorLimit = 400;

    /// <summary>Plain connections opened at once: more than the limit, within the listen backlog (1024).</summary>
    private const int Flood = 400;

    private readonly string _work = Directory.CreateTempSubdirectory("sm-fds-").FullName;
    private readonly List<Socket> _flood = [];
    private readonly List<SecureMonitorProcess> _processes = [];
    private PkiFixture _pki = null!;

    public Task InitializeAsync()
    {
        _pki = PkiFixture.WithWatchers("web-01");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var socket in _flood)
        {
            socket.Dispose();
        }
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
        _pki.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [RequiresToolFact(ExternalTool.PrlimitKey)]
    public async Task With_the_shipped_reserve_the_connection_cap_engages_before_the_descriptors_run_out()
    {
        var monitor = await StartMonitorAsync();
        Assert.True(monitor.CountLines(line => line.Contains($"descriptor limit {DescriptorLimit}", StringComparison.Ordinal)) == 1,
            "the start-up log names the cap and the limit it came from");

        await FloodAsync(monitor, "the cap to refuse the extras", line => line.Contains("reason=rate_limited", StringComparison.Ordinal));

        await AssertAWatcherIsServedAsync(monitor);
        Assert.Equal(0, monitor.CountLines(line => line.Contains("Accept failed", StringComparison.Ordinal)));
    }

    private async Task<SecureMonitorProcess> StartMonitorAsync()
    {
        var port = LoopbackPort.Free();
        var environment = new Dictionary<string, string>
        {
            // The flood's silent connections are dropped after this; the watcher gets in once they are.
            ["SM_TRANSPORT_HANDSHAKE_TIMEOUT"] = "2s",
            ["SM_LOG_FORMAT"] = "console",
        };
        var monitor = SecureMonitorProcess.StartWithDescriptorLimit(DescriptorLimit,
            ["monitor", "--pki", _pki.Root, "--listen", $"127.0.0.1:{port}", "--cluster-port", "0", "--data", Path.Combine(_work, "monitor")],
            environment, _work);
        _processes.Add(monitor);
        await monitor.WaitForLinesAsync(line => line.Contains($"listening on 127.0.0.1:{port}", StringComparison.Ordinal), 1, "the monitor to listen");
        Endpoint = new IPEndPoint(IPAddress.Loopback, port);
        return monitor;
    }

    private IPEndPoint Endpoint { get; set; } = null!;

    /// <summary>Opens <see cref="Flood"/> plain TCP connections that say nothing, and waits for the monitor to say it met them.</summary>
    private async Task FloodAsync(SecureMonitorProcess monitor, string what, Func<string, bool> evidence)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (var opened = 0; opened < Flood; opened++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _flood.Add(socket);
            try
            {
                await socket.ConnectAsync(Endpoint, deadline.Token);
            }
            catch (SocketException)
            {
                // Refused over the cap before this side saw its connect complete: that is the point.
            }
        }
        await monitor.WaitForLinesAsync(evidence, 1, what);
        Assert.False(monitor.HasExited, "the monitor died under the flood:\n" + string.Join('\n', monitor.Lines.TakeLast(30)));
    }

    /// <summary>A real watcher connects (retrying while the flood drains), raises an alert, and the alert is stored.</summary>
    private async Task AssertAWatcherIsServedAsync(SecureMonitorProcess monitor)
    {
        var load = new ScriptedLoadWatchers(_work);
        load.WriteLoad(0);
        var watcher = SecureMonitorProcess.Start(["watcher", "--config", load.WriteConfig("web-01", _pki.Paths.WatcherBundle("web-01"), [Endpoint.ToString()])],
            workingDirectory: _work);
        _processes.Add(watcher);
        try
        {
            await watcher.WaitForLinesAsync(line => line.Contains("Connected to monitor", StringComparison.Ordinal), 1, "the watcher to connect",
                TimeSpan.FromSeconds(30));
        }
        catch (TestKitAssertionException failure)
        {
            throw new TestKitAssertionException($"{failure.Message}\nMonitor said:\n{string.Join('\n', monitor.Lines.TakeLast(40))}");
        }
        await load.FlipAsync([watcher]);

        await using var store = new SqliteMonitorStore(new SqliteMonitorStoreOptions { DataDirectory = Path.Combine(_work, "monitor") });
        await store.MigrateAsync();
        IReadOnlyList<AlertRecord> alerts = [];
        await Eventually.WaitUntilAsync(async () => (alerts = await store.ListAlertsAsync(new AlertQuery { Host = "web-01" })).Count >= 1,
            () => "the watcher's alert was not stored. Monitor said:\n" + string.Join('\n', monitor.Lines.TakeLast(30)), TimeSpan.FromSeconds(20));
        Assert.False(monitor.HasExited, "the monitor exited:\n" + string.Join('\n', monitor.Lines.TakeLast(30)));
        output.WriteLine($"stored {alerts.Count} alert(s); monitor log: {monitor.Lines.Count} lines, " +
            $"{monitor.CountLines(line => line.Contains("rate_limited", StringComparison.Ordinal))} mentioning rate_limited");
    }
}
