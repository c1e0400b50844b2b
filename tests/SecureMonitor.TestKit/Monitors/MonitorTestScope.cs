namespace SecureMonitor.TestKit.Monitors;

/// <summary>
/// What one test starts (PKI folders, monitor nodes, anything else disposable), torn down in reverse
/// order when the test ends, each node's captured log written to the test's output so a failure
/// shows what the node saw. Test base classes hold one and dispose it.
/// </summary>
public sealed class MonitorTestScope(Action<string> writeLine) : IAsyncDisposable
{
    private readonly List<PkiFixture> _pkis = [];
    private readonly List<MonitorHarness> _monitors = [];
    private readonly List<IAsyncDisposable> _others = [];

    /// <summary>A PKI with watchers and viewers as named; the admin <c>admin</c> always exists.</summary>
    public PkiFixture NewPki(string[]? watchers = null, string[]? viewers = null, TimeProvider? time = null, string caName = "test")
    {
        var pki = new PkiFixture(watchers: watchers, viewers: viewers, time: time, caName: caName);
        _pkis.Add(pki);
        return pki;
    }

    /// <summary>A node on the PKI; by default on the PKI's clock.</summary>
    public async Task<MonitorHarness> StartMonitorAsync(PkiFixture pki, MonitorHarnessOptions? options = null)
    {
        var monitor = await MonitorHarness.StartAsync(pki, options ?? new MonitorHarnessOptions { Time = pki.Time });
        _monitors.Add(monitor);
        return monitor;
    }

    /// <summary>Disposed before the nodes (clients of them, for instance).</summary>
    public T Track<T>(T disposable) where T : IAsyncDisposable
    {
        _others.Add(disposable);
        return disposable;
    }

    public async ValueTask DisposeAsync()
    {
        for (var index = _others.Count - 1; index >= 0; index--)
        {
            await _others[index].DisposeAsync();
        }
        for (var index = _monitors.Count - 1; index >= 0; index--)
        {
            var monitor = _monitors[index];
            await monitor.DisposeAsync();
            writeLine($"--- log of monitor #{index} ({monitor.Options.NodeId}) ---");
            writeLine(monitor.Logs.Dump());
        }
        foreach (var pki in _pkis)
        {
            pki.Dispose();
        }
        _others.Clear();
        _monitors.Clear();
        _pkis.Clear();
    }
}
