namespace SecureMonitor.TestKit.Processes;

/// <summary>
/// Watcher processes whose only metric source is a proc root written here: flipping /proc/loadavg
/// between 0 and 100 makes a rule with no sustain time, hysteresis or cooldown fire and resolve once
/// per flip in every watcher, so a test knows exactly which alerts exist (each watcher logs each one).
/// </summary>
public sealed class ScriptedLoadWatchers(string workDirectory)
{
    public const string RuleId = "load-flip";

    private int _flips;

    public string ProcRoot => Path.Combine(workDirectory, "proc");

    public int Flips => _flips;

    public void WriteLoad(double load)
    {
        Directory.CreateDirectory(ProcRoot);
        var temporary = Path.Combine(ProcRoot, "loadavg.tmp");
        File.WriteAllText(temporary, $"{load:0.00} {load:0.00} {load:0.00} 1/100 4242\n");
        File.Move(temporary, Path.Combine(ProcRoot, "loadavg"), overwrite: true);
    }

    /// <summary>Writes a watcher.conf for <paramref name="host"/> and returns its path.</summary>
    public string WriteConfig(string host, string identityDirectory, IEnumerable<string> monitors, string heartbeat = "1s",
        string minBackoff = "100ms", string maxBackoff = "1s")
    {
        var file = Path.Combine(workDirectory, $"{host}.conf");
        File.WriteAllText(file, $$"""
            logging { level = Information, format = console }
            transport { max-frame-size = 64KiB, handshake-timeout = 5s, idle-timeout = 60s }
            watcher {
              identity-dir = "{{identityDirectory}}"
              monitors = [{{string.Join(", ", monitors.Select(endpoint => $"\"{endpoint}\""))}}]
              data-dir = "{{Path.Combine(workDirectory, "watchers", host)}}"
              sampling { interval = 100ms, proc-root = "{{ProcRoot}}" }
              heartbeat-interval = {{heartbeat}}
              spool { max-size = 16MiB }
              reconnect { min-backoff = {{minBackoff}}, max-backoff = {{maxBackoff}} }
              thresholds = [ { id = {{RuleId}}, metric = load.1, warn = 50, for = 0s, hysteresis = 0, cooldown = 0s } ]
            }
            """);
        return file;
    }

    /// <summary>Flips the load and waits until each watcher has logged the event it causes.</summary>
    public async Task FlipAsync(IEnumerable<SecureMonitorProcess> watchers, TimeSpan? within = null)
    {
        var flip = ++_flips;
        var firing = flip % 2 == 1;
        WriteLoad(firing ? 100 : 0);
        var expected = firing ? (flip + 1) / 2 : flip / 2;
        foreach (var watcher in watchers)
        {
            await watcher.WaitForLinesAsync(line => line.Contains($"Threshold {(firing ? "Fired" : "Resolved")} rule={RuleId}", StringComparison.Ordinal),
                expected, $"flip {flip} to be raised", within);
        }
    }
}
