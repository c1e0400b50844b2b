namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// The severity a verified alert carried on the wire. Ordered (larger is worse) and starting at 1 so that
/// <c>default(AlertLevel)</c> is not silently a real level. Kept apart from the watcher's threshold severity:
/// the monitor correlates what it received, whatever produced it.
/// </summary>
public enum AlertLevel
{
    Warning = 1,
    Critical = 2,
}
