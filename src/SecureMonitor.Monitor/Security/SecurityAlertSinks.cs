namespace SecureMonitor.Monitor.Security;

/// <summary>Tells every security alert to each sink in turn (the log, the store, a test's recorder).</summary>
public sealed class SecurityAlertSinks(IReadOnlyList<ISecurityAlertSink> sinks) : ISecurityAlertSink
{
    public void TamperingSuspected(TamperingSuspected alert)
    {
        foreach (var sink in sinks)
        {
            sink.TamperingSuspected(alert);
        }
    }
}
