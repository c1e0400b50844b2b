using System.Net;
using Microsoft.Extensions.Configuration;
using SecureMonitor.Analysis.Correlation;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.Configuration;
using SecureMonitor.Monitor.Persistence;
using SecureMonitor.Notifications;

namespace SecureMonitor.Monitor;

/// <summary>Settings of one monitor node, read from the <c>monitor</c> and <c>transport</c>
/// sections of monitor.conf (see the comments there for each setting). Printing it never shows the
/// store's connection string (<see cref="MonitorStoreSettings"/>).</summary>
public sealed record MonitorOptions
{
    public required string NodeId { get; init; }
    public required IPEndPoint Listen { get; init; }

    /// <summary>host:port that redirected watchers and other nodes dial; null: the bound listen endpoint.</summary>
    public string? Advertise { get; init; }
    public required string PkiDirectory { get; init; }

    /// <summary>This node's own identity folder (<c>pki add-monitor</c>); null: the PKI directory's monitor certificate.</summary>
    public string? IdentityDirectory { get; init; }
    public required string DataDirectory { get; init; }

    /// <summary>SQLite in <see cref="DataDirectory"/> (the default) or a shared PostgreSQL.</summary>
    public MonitorStoreSettings Store { get; init; } = new();
    public int MaxFrameBytes { get; init; } = 64 * 1024;
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A session whose peer sends nothing for this long is closed (<c>transport.idle-timeout</c>).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int MaxConnections { get; init; } = 20_000;

    /// <summary>Sessions one admin or viewer certificate may hold at once (a watcher host holds one).</summary>
    public int MaxSessionsPerOperatorCertificate { get; init; } = 4;

    /// <summary>How often the node looks at keyring.json and revoked.json for changes (and so how soon
    /// a <c>pki revoke</c> ends the sessions it names).</summary>
    public TimeSpan KeyringCheckInterval { get; init; } = Pki.FileKeyring.DefaultReloadCheckInterval;

    /// <summary>Descriptors kept free beyond those open at start when the connection cap is derived
    /// from the descriptor limit (<c>monitor.limits.descriptor-reserve</c>).</summary>
    public int DescriptorReserve { get; init; } = 128;

    /// <summary>Envelopes per second one host may have verified before it is slowed down.</summary>
    public int HostMessagesPerSecond { get; init; } = 500;
    public int TamperThreshold { get; init; } = 5;
    public TimeSpan TamperWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the refusal counters are added to the store (and once more at stop).</summary>
    public TimeSpan RejectionCountsSaveInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Where this node's cluster endpoint (Akka.Remote) binds; port 0 picks a free one.</summary>
    public string ClusterHostname { get; init; } = "127.0.0.1";
    public int ClusterPort { get; init; }

    /// <summary>Cluster endpoints of nodes to join; none: this node forms a cluster of its own.</summary>
    public IReadOnlyList<Transport.MonitorEndpoint> SeedNodes { get; init; } = [];
    public HostLivenessOptions Liveness { get; init; } = new();
    public CorrelationOptions Correlation { get; init; } = new();
    public TimeSpan AlertRetention { get; init; } = TimeSpan.FromDays(30);
    public NotificationSettings Notifications { get; init; } = new();

    /// <summary>The threshold rules the watchers ship with: the layer operators' settings go on top of
    /// (<c>thresholds set</c>). A pushed rule set replaces a watcher's own rules, so this must hold every
    /// rule the watchers should keep.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> ThresholdBaseline { get; init; } = [];

    /// <summary>How long a key rotated out by <c>keys rotate</c> stays valid, unless the operator says.</summary>
    public TimeSpan KeyGracePeriod { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The configuration the options were read from; its <c>akka</c> section configures the
    /// node's ActorSystem (null when built in code: the shipped hocon/common/akka.conf).</summary>
    public IConfiguration? Configuration { get; init; }

    /// <summary>Reads the options; a bad value throws <see cref="ConfigurationValueException"/>
    /// naming the file, line and key.</summary>
    public static MonitorOptions FromConfiguration(IConfiguration configuration) => new()
    {
        Configuration = configuration,
        NodeId = configuration.GetRequiredString("monitor:node-id"),
        Listen = ParseEndpoint(configuration, "monitor:listen"),
        Advertise = configuration["monitor:advertise"] is { Length: > 0 } advertise ? advertise : null,
        PkiDirectory = configuration.GetRequiredString("monitor:pki-dir"),
        IdentityDirectory = configuration["monitor:identity-dir"] is { Length: > 0 } identityDirectory ? identityDirectory : null,
        DataDirectory = configuration.GetRequiredString("monitor:data-dir"),
        Store = MonitorStoreSettings.FromConfiguration(configuration),
        MaxFrameBytes = checked((int)configuration.GetSize("transport:max-frame-size", 64 * 1024)),
        HandshakeTimeout = configuration.GetDuration("transport:handshake-timeout", TimeSpan.FromSeconds(10)),
        IdleTimeout = ReadIdleTimeout(configuration),
        MaxConnections = configuration.GetPositiveInt32("monitor:limits:max-connections", 20_000),
        DescriptorReserve = configuration.GetPositiveInt32("monitor:limits:descriptor-reserve", 128),
        HostMessagesPerSecond = configuration.GetPositiveInt32("monitor:limits:host-alerts-per-second", 500),
        MaxSessionsPerOperatorCertificate = configuration.GetPositiveInt32("monitor:limits:sessions-per-operator-certificate", 4),
        TamperThreshold = configuration.GetPositiveInt32("monitor:security:tamper-threshold", 5),
        TamperWindow = configuration.GetDuration("monitor:security:tamper-window", TimeSpan.FromSeconds(60)),
        RejectionCountsSaveInterval = configuration.GetDuration("monitor:security:rejection-counts-save-interval", TimeSpan.FromSeconds(10)),
        ClusterHostname = configuration.GetRequiredString("monitor:cluster:hostname"),
        ClusterPort = configuration.GetPort("monitor:cluster:port"),
        SeedNodes = ReadSeedNodes(configuration),
        Liveness = new HostLivenessOptions
        {
            PhiUnreachable = configuration.GetPositiveInt32("monitor:liveness:phi-unreachable", 8),
            DownAfter = configuration.GetDuration("monitor:liveness:down-after", TimeSpan.FromSeconds(30)),
        },
        Correlation = new CorrelationOptions
        {
            MinHosts = configuration.GetPositiveInt32("monitor:correlation:min-hosts", 3),
            Window = configuration.GetDuration("monitor:correlation:window", TimeSpan.FromSeconds(30)),
            StormAlerts = configuration.GetPositiveInt32("monitor:correlation:storm-alerts", 50),
            QuietPeriod = configuration.GetDuration("monitor:correlation:quiet-period", TimeSpan.FromMinutes(2)),
        },
        AlertRetention = configuration.GetDuration("monitor:retention:alerts", TimeSpan.FromDays(30)),
        Notifications = ReadNotifications(configuration),
        ThresholdBaseline = configuration.GetObjectList("monitor:thresholds:baseline"),
        KeyGracePeriod = configuration.GetDuration("monitor:security:key-grace-period", TimeSpan.FromHours(24)),
        KeyringCheckInterval = PositiveDuration(configuration, "monitor:security:keyring-check-interval", Pki.FileKeyring.DefaultReloadCheckInterval),
    };

    private static TimeSpan PositiveDuration(IConfiguration configuration, string key, TimeSpan defaultValue)
    {
        var duration = configuration.GetDuration(key, defaultValue);
        return duration > TimeSpan.Zero
            ? duration
            : throw new ConfigurationValueException(key, configuration[key] ?? "", configuration.GetOrigin(key), "must be longer than zero");
    }

    /// <summary>At least a second: a shorter one would close watchers between two heartbeats.</summary>
    private static TimeSpan ReadIdleTimeout(IConfiguration configuration)
    {
        const string key = "transport:idle-timeout";
        var idle = configuration.GetDuration(key, TimeSpan.FromSeconds(60));
        return idle >= TimeSpan.FromSeconds(1)
            ? idle
            : throw new ConfigurationValueException(key, configuration[key] ?? "", configuration.GetOrigin(key),
                "must be at least 1s; keep it several times watcher.heartbeat-interval, or watchers are closed between heartbeats");
    }

    private static IReadOnlyList<Transport.MonitorEndpoint> ReadSeedNodes(IConfiguration configuration)
    {
        var section = configuration.GetSection("monitor:cluster:seed-nodes");
        return string.IsNullOrWhiteSpace(section.Value) && !section.GetChildren().Any()
            ? []
            : configuration.GetList<Transport.MonitorEndpoint>("monitor:cluster:seed-nodes", Transport.MonitorEndpoint.TryParse, "");
    }

    private static NotificationSettings ReadNotifications(IConfiguration configuration)
    {
        try
        {
            return NotificationSettings.Read(key => configuration[key]);
        }
        catch (FormatException error)
        {
            // The message names the setting, never its value (a URL may carry a secret).
            throw new ConfigurationValueException("monitor:notify", "", configuration.GetOrigin("monitor:notify:webhook-url"), error.Message);
        }
    }

    /// <summary>Parses <c>ADDRESS:PORT</c> (port 0 picks a free port, for tests).</summary>
    public static IPEndPoint ParseEndpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && IPAddress.TryParse(text[..colon].Trim('[', ']'), out var address)
            && int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port <= IPEndPoint.MaxPort)
        {
            return new IPEndPoint(address, port);
        }
        throw new FormatException($"'{text}' is not an IP address and port such as 127.0.0.1:7800");
    }

    private static IPEndPoint ParseEndpoint(IConfiguration configuration, string key)
    {
        var text = configuration.GetRequiredString(key);
        try
        {
            return ParseEndpoint(text);
        }
        catch (FormatException error)
        {
            throw new ConfigurationValueException(key, text, configuration.GetOrigin(key), error.Message);
        }
    }
}
