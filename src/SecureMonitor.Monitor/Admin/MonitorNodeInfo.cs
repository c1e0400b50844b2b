namespace SecureMonitor.Monitor.Admin;

/// <summary>Facts about this monitor node shown to operators.</summary>
public sealed record MonitorNodeInfo(string NodeId, string Endpoint, string Version, DateTimeOffset StartedAt);
