using System.Text.Json;
using SecureMonitor.Simulation.Processes;

namespace SecureMonitor.TestKit.Processes;

/// <summary>
/// A real Prometheus Alertmanager for one test: loopback only, free port, clustering off
/// (<c>--cluster.listen-address=</c>), a null receiver, storage in a temporary directory. Killed
/// and cleaned up on dispose. Find out first whether it is installed with
/// <see cref="ExternalTool.Alertmanager"/> (tests skip, with its reason, when it is not).
/// </summary>
public sealed class AlertmanagerProcess : IAsyncDisposable
{
    /// <summary>How long starting it and each API call may take unless told otherwise.</summary>
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(15);

    private const string Config = """
        # Test instance: accept alerts, notify nobody.
        route:
          receiver: "null"
        receivers:
          - name: "null"
        """;

    private readonly ChildProcess _process;
    private readonly string _directory;
    private readonly HttpClient _http = LoopbackPort.HttpClient();

    private AlertmanagerProcess(ChildProcess process, string directory, Uri baseUrl)
    {
        _process = process;
        _directory = directory;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>What Alertmanager logged so far.</summary>
    public string Output => _process.Output;

    /// <summary>Starts one and waits (within <paramref name="readyWithin"/>) until <c>/-/ready</c> answers.</summary>
    public static async Task<AlertmanagerProcess> StartAsync(TimeSpan? readyWithin = null)
    {
        var binary = ExternalTool.Alertmanager.Require();
        var directory = Directory.CreateTempSubdirectory("sm-alertmanager-").FullName;
        var port = LoopbackPort.Free();
        ChildProcess? process = null;
        try
        {
            var configFile = Path.Combine(directory, "alertmanager.yml");
            await File.WriteAllTextAsync(configFile, Config);
            process = ChildProcess.Start("alertmanager", binary,
            [
                $"--config.file={configFile}",
                $"--storage.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=", // empty: no gossip, no cluster port
                "--log.level=info",
            ]);
        }
        catch
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
            DeleteDirectory(directory);
            throw;
        }
        var alertmanager = new AlertmanagerProcess(process, directory, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await alertmanager.WaitUntilReadyAsync(readyWithin ?? DefaultBound);
            return alertmanager;
        }
        catch
        {
            await alertmanager.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// <c>GET /api/v2/alerts</c>: every alert Alertmanager considers current (silenced, inhibited and
    /// unprocessed included; an alert whose <c>endsAt</c> has passed is resolved and not listed).
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> GetAlertsAsync(CancellationToken cancellationToken = default)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(DefaultBound);
        var url = new Uri(BaseUrl, "/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true");
        var body = await _http.GetStringAsync(url, bound.Token);
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.EnumerateArray().Select(alert => alert.Clone())];
    }

    /// <summary>Polls <c>/-/ready</c>; fails with what Alertmanager logged.</summary>
    private async Task WaitUntilReadyAsync(TimeSpan within)
    {
        try
        {
            await _process.WaitUntilReadyAsync(async deadline =>
            {
                try
                {
                    using var response = await _http.GetAsync(new Uri(BaseUrl, "/-/ready"), deadline);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false; // not listening yet
                }
            }, within, "that it is ready");
        }
        catch (ChildProcessException failure)
        {
            throw new TestKitAssertionException($"{failure.Message} ({_process.CommandLine}). Output:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.DisposeAsync();
        }
        finally
        {
            _http.Dispose();
            DeleteDirectory(_directory);
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
