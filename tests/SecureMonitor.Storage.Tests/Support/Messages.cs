namespace SecureMonitor.Storage.Tests.Support;

/// <summary>Builders for stored messages with readable defaults.</summary>
internal static class Messages
{
    /// <summary>A fixed instant; tests add whole seconds to it.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    public static StoredMessage Alert(
        string host, ulong sequence, DateTimeOffset? receivedAt = null, AlertSeverity severity = AlertSeverity.Warning,
        string rule = "cpu-high", string metric = "cpu.percent", AlertState state = AlertState.Firing) =>
        StoredMessage.ForAlert(host, sequence, receivedAt ?? At(sequence), (receivedAt ?? At(sequence)).AddMilliseconds(-5),
            new AlertDetails(rule, metric, severity, state, 97.25, 90, $"{metric} {97.25} >= {90} on {host} (#{sequence})"));

    public static StoredMessage Heartbeat(string host, ulong sequence, DateTimeOffset? receivedAt = null) =>
        StoredMessage.ForHeartbeat(host, sequence, receivedAt ?? At(sequence), (receivedAt ?? At(sequence)).AddMilliseconds(-5));
}
