using Microsoft.Extensions.Configuration;
using SecureMonitor.Configuration;
using SecureMonitor.Transport;

namespace SecureMonitor.Watcher;

/// <summary>Settings of a watcher, read from the <c>watcher</c> and <c>transport</c> sections of
/// watcher.conf (each setting is documented there).</summary>
public sealed record WatcherOptions
{
    public required string IdentityDirectory { get; init; }
    public required IReadOnlyList<MonitorEndpoint> Monitors { get; init; }
    public required string DataDirectory { get; init; }
    public TimeSpan SamplingInterval { get; init; } = TimeSpan.FromSeconds(1);
    public string ProcRoot { get; init; } = "/proc";
    public TimeSpan TcpSocketsInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);
    public long SpoolMaxBytes { get; init; } = 64L * 1024 * 1024;
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan SilenceTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public int MaxFrameBytes { get; init; } = 64 * 1024;

    /// <summary>Threshold rules as written in the configuration (key/value per rule), validated by
    /// the rule set when the watcher starts.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Thresholds { get; init; } = [];

    /// <summary>The whole configuration the options were read from; its <c>akka</c> section sets up the
    /// actor system. Null (options built in code): the shipped hocon/common/akka.conf.</summary>
    public IConfiguration? Configuration { get; init; }

    public static WatcherOptions FromConfiguration(IConfiguration configuration) => new()
    {
        Configuration = configuration,
        IdentityDirectory = configuration.GetRequiredString("watcher:identity-dir"),
        Monitors = configuration.GetList<MonitorEndpoint>("watcher:monitors", MonitorEndpoint.TryParse, "at least one monitor endpoint (HOST:PORT) is required"),
        DataDirectory = configuration.GetRequiredString("watcher:data-dir"),
        SamplingInterval = configuration.GetDuration("watcher:sampling:interval", TimeSpan.FromSeconds(1)),
        ProcRoot = configuration["watcher:sampling:proc-root"] ?? "/proc",
        TcpSocketsInterval = configuration.GetDuration("watcher:sampling:tcp-sockets-interval", TimeSpan.FromSeconds(1)),
        HeartbeatInterval = configuration.GetDuration("watcher:heartbeat-interval", TimeSpan.FromSeconds(5)),
        SpoolMaxBytes = configuration.GetSize("watcher:spool:max-size", 64L * 1024 * 1024),
        MinBackoff = configuration.GetDuration("watcher:reconnect:min-backoff", TimeSpan.FromMilliseconds(250)),
        MaxBackoff = configuration.GetDuration("watcher:reconnect:max-backoff", TimeSpan.FromSeconds(30)),
        SilenceTimeout = configuration.GetDuration("watcher:silence-timeout", TimeSpan.FromSeconds(10)),
        MaxFrameBytes = checked((int)configuration.GetSize("transport:max-frame-size", 64 * 1024)),
        Thresholds = configuration.GetObjectList("watcher:thresholds"),
    };
}
