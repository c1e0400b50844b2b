using System.Net;

namespace SecureMonitor.Monitor.Verification;

/// <summary>The proven host behind a watcher connection, and where it connects from (for reports).</summary>
public readonly record struct ConnectionContext(string HostId, EndPoint? Remote);
