using Microsoft.Extensions.Logging;

namespace SecureMonitor.Monitor.Security;

/// <summary>Writes security alerts raised by the monitor itself as structured warnings.</summary>
public sealed partial class LoggingSecurityAlertSink(ILogger<LoggingSecurityAlertSink> log) : ISecurityAlertSink
{
    private long _raised;

    public long Raised => Interlocked.Read(ref _raised);

    public void TamperingSuspected(TamperingSuspected alert)
    {
        Interlocked.Increment(ref _raised);
        LogTampering(log, alert.HostId, alert.Failures, alert.Window.TotalSeconds,
            string.Join(", ", alert.Reasons.Select(reason => $"{reason.Key}={reason.Value}")));
    }

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "TAMPERING SUSPECTED host={Host}: {Failures} integrity failures within {WindowSeconds} s ({Reasons})")]
    private static partial void LogTampering(ILogger log, string host, int failures, double windowSeconds, string reasons);
}
