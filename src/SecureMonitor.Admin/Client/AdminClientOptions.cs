using Microsoft.Extensions.Configuration;
using SecureMonitor.Configuration;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Admin.Client;

/// <summary>Settings of the admin console, from the <c>admin</c> and <c>transport</c> sections of
/// admin.conf (each is documented there); command-line flags override them.</summary>
public sealed record AdminClientOptions
{
    public required string IdentityDirectory { get; init; }

    /// <summary>Monitor nodes, tried in order: any node will do (reads are served there, changes go to the leader).</summary>
    public required IReadOnlyList<MonitorEndpoint> Monitors { get; init; }

    /// <summary>Bound of connecting and of each command's answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>"local" (the operator's zone) or an IANA zone such as Europe/Berlin.</summary>
    public string TimeZone { get; init; } = "local";

    public int MaxFrameBytes { get; init; } = FrameLimits.DefaultMaxFrameBytes;

    public static AdminClientOptions FromConfiguration(IConfiguration configuration) => new()
    {
        IdentityDirectory = configuration.GetRequiredString("admin:identity-dir"),
        Monitors = configuration.GetList<MonitorEndpoint>("admin:monitors", MonitorEndpoint.TryParse, "at least one monitor endpoint (HOST:PORT) is required"),
        Timeout = configuration.GetDuration("admin:timeout", TimeSpan.FromSeconds(10)),
        TimeZone = configuration["admin:time-zone"] ?? "local",
        MaxFrameBytes = checked((int)configuration.GetSize("transport:max-frame-size", FrameLimits.DefaultMaxFrameBytes)),
    };

    /// <summary>The zone times are shown in.</summary>
    /// <exception cref="TimeZoneNotFoundException">The zone is unknown here.</exception>
    public TimeZoneInfo ResolveTimeZone() =>
        string.IsNullOrWhiteSpace(TimeZone) || TimeZone.Equals("local", StringComparison.OrdinalIgnoreCase)
            ? TimeZoneInfo.Local
            : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}
