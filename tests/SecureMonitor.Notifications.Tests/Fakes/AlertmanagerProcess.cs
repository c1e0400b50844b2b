using System.Diagnostics;
using System.Text;
using Xunit;

namespace SecureMonitor.Notifications.Tests.Fakes;

/// <summary>
/// A real Prometheus Alertmanager for one test: loopback only, free port, clustering off
/// (<c>--cluster.listen-address=</c>), a null receiver, storage in a temporary directory. Killed
/// and cleaned up on dispose.
/// </summary>
internal sealed class AlertmanagerProcess : IAsyncDisposable
{
    private const string Config = """
        # Test instance: accept alerts, notify nobody.
        route:
          receiver: "null"
        receivers:
          - name: "null"
        """;

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output;

    private AlertmanagerProcess(Process process, string directory, StringBuilder output, Uri baseUrl)
    {
        _process = process;
        _directory = directory;
        _output = output;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>The binary: <c>SM_ALERTMANAGER_BIN</c>, else <c>prometheus-alertmanager</c> (Debian) or <c>alertmanager</c> on PATH.</summary>
    public static string? FindBinary()
    {
        var configured = Environment.GetEnvironmentVariable("SM_ALERTMANAGER_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return (from directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                from name in new[] { "prometheus-alertmanager", "alertmanager" }
                let candidate = Path.Combine(directory, name)
                where File.Exists(candidate)
                select candidate).FirstOrDefault();
    }

    public static async Task<AlertmanagerProcess> StartAsync()
    {
        var binary = FindBinary() ?? throw new InvalidOperationException("no Alertmanager binary");
        var directory = Directory.CreateTempSubdirectory("sm-alertmanager-").FullName;
        var configFile = Path.Combine(directory, "alertmanager.yml");
        await File.WriteAllTextAsync(configFile, Config);
        var port = TestHttpServer.FreePort();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            ArgumentList =
            {
                $"--config.file={configFile}",
                $"--storage.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=", // empty: no gossip, no cluster port
                "--log.level=info",
            },
        };
        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var alertmanager = new AlertmanagerProcess(process, directory, output, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await alertmanager.WaitUntilReadyAsync();
            return alertmanager;
        }
        catch
        {
            await alertmanager.DisposeAsync();
            throw;
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    /// <summary>Polls <c>/-/ready</c> (an external process: no event to wait on) within <see cref="Bounds.Wait"/>.</summary>
    private async Task WaitUntilReadyAsync()
    {
        using var http = Incidents.LoopbackHttpClient();
        using var deadline = new CancellationTokenSource(Bounds.Wait);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Alertmanager exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "/-/ready"), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (OperationCanceledException)
            {
                break;
            }
            try
            {
                await poll.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        throw new TimeoutException($"Alertmanager not ready within {Bounds.Wait}:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync().WaitAsync(Bounds.Wait);
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }
}

/// <summary>A test that needs a real Alertmanager: reported as skipped, with the reason, when none is installed.</summary>
internal sealed class AlertmanagerFactAttribute : FactAttribute
{
    public AlertmanagerFactAttribute()
    {
        if (AlertmanagerProcess.FindBinary() is null)
        {
            Skip = "Prometheus Alertmanager not installed (apt-get install prometheus-alertmanager, or set SM_ALERTMANAGER_BIN); tests/run installs it when root";
        }
    }
}
