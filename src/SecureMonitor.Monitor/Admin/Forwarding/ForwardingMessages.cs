namespace SecureMonitor.Monitor.Admin.Forwarding;

/// <summary>
/// An admin command a follower received and sends to the monitor singleton (through the cluster
/// singleton proxy), to be run and audited on the singleton's node; the caller is the certificate the
/// follower authenticated. Plain strings only: it crosses Akka.Remote through the allow-list serializer.
/// </summary>
public sealed record ForwardedAdminCommand(
    string CallerRole,
    string CallerName,
    string? CallerHostId,
    string CallerSerial,
    string CallerThumbprint,
    long CallerNotAfterUnixMs,
    string Remote,
    string Name,
    string ArgumentsJson);

/// <summary>The singleton node's answer to a <see cref="ForwardedAdminCommand"/>.</summary>
public sealed record ForwardedAdminReply(bool Ok, string? ResultJson, string Error, int RefusalCode, bool UsageError, string AuditText, string AnsweredBy);
