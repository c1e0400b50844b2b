using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Benchmarks.Protocol;

/// <summary>Shared inputs: one watcher host and a realistic alert of exactly 256 serialized bytes.</summary>
internal static class ProtocolBenchmarkData
{
    public const string HostId = "web-01.example.internal";
    public const uint KeyId = 1;
    public const int PayloadBytes = 256;

    public static byte[] PreSharedKey { get; } = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 3)).ToArray();

    /// <summary>An alert whose summary is padded so the serialized message is <see cref="PayloadBytes"/> long.</summary>
    public static WatcherMessage Alert256()
    {
        var message = new WatcherMessage
        {
            Alert = new Alert
            {
                RuleId = "cpu-high",
                Metric = "cpu.busy",
                Severity = Severity.Critical,
                State = AlertState.Firing,
                Value = 97.5,
                Threshold = 90,
                RaisedUnixMs = 1_700_000_000_000,
                Labels = { ["core"] = "all", ["site"] = "eu-west" },
            },
        };
        // Varint lengths grow at 128 bytes, so search for the summary length rather than compute it.
        for (int length = 0; length <= PayloadBytes; length++)
        {
            message.Alert.Summary = new string('x', length);
            if (message.CalculateSize() == PayloadBytes)
            {
                return message;
            }
        }

        throw new InvalidOperationException($"No summary length makes the alert exactly {PayloadBytes} B.");
    }
}
