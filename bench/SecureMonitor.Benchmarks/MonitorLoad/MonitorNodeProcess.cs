using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.Monitor;
using SecureMonitor.Monitor.Node;

namespace SecureMonitor.Benchmarks.MonitorLoad;

/// <summary>
/// The monitor node under load runs in a process of its own (this assembly, <c>monitor-load-node</c>),
/// so its CPU time is measured apart from the load generator's: both share the machine's two cores,
/// and CPU seconds per alert is the figure that survives a busy machine, where wall-clock rates do not.
/// </summary>
internal sealed class MonitorNodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private MonitorNodeProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>User + system CPU time the node process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Bytes the node has allocated and its gen0/gen1/gen2 collections so far.</summary>
    public async Task<NodeMemoryStats> MemoryAsync()
    {
        await _process.StandardInput.WriteLineAsync("stats");
        await _process.StandardInput.FlushAsync();
        var line = await _process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the monitor node process exited");
        var values = line.Split(' ').Select(value => long.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new NodeMemoryStats(values[0], values[1], values[2], values[3]);
    }

    public static async Task<MonitorNodeProcess> StartAsync(string pkiDirectory, string dataDirectory, int hostMessagesPerSecond)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[typeof(MonitorNodeProcess).Assembly.Location, "monitor-load-node", pkiDirectory, dataDirectory,
                     hostMessagesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the monitor node process");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"the monitor node process did not start: {line}");
        }
        return new MonitorNodeProcess(process, int.Parse(line["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The child's side: a node as the CLI starts one (logging off), until standard input closes.</summary>
    public static async Task<int> RunNodeAsync(string[] args)
    {
        var (pki, data, rate) = (args[0], args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        await using var node = await MonitorNode.StartAsync(new MonitorOptions
        {
            NodeId = "bench-node",
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            PkiDirectory = pki,
            DataDirectory = data,
            HostMessagesPerSecond = rate,
        }, NullLoggerFactory.Instance, TimeProvider.System);
        Console.WriteLine($"listening {node.Endpoint.Port}");
        // Each line asks for the node's allocation and collection counts; end of input stops it.
        while (await Console.In.ReadLineAsync() is not null)
        {
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{GC.GetTotalAllocatedBytes()} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)}"));
        }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}

/// <summary>A node's allocation and garbage collection counts at one moment.</summary>
internal readonly record struct NodeMemoryStats(long AllocatedBytes, long Gen0, long Gen1, long Gen2)
{
    public static NodeMemoryStats operator -(NodeMemoryStats after, NodeMemoryStats before) =>
        new(after.AllocatedBytes - before.AllocatedBytes, after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2);
}
