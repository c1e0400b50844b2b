using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>The client's side of acknowledgements: anything but the expected Ack throws, so a
/// broken setup (a refused envelope, a closed connection) fails the benchmark instead of timing it.</summary>
internal static class Acknowledgements
{
    public static async ValueTask<Ack> ReadAsync(FramedConnection connection, AckStatus expected = AckStatus.Accepted)
    {
        var read = await connection.ReadAsync();
        if (read.Frame is { BodyCase: Frame.BodyOneofCase.Ack } frame && frame.Ack.Status == expected)
        {
            return frame.Ack;
        }
        var got = read.Frame is { } other ? other.ToString() : read.ToString();
        throw new InvalidOperationException($"Expected an Ack with status {expected}, got {got}");
    }

    /// <summary>Reads <paramref name="count"/> accepted Acks and returns the last.</summary>
    public static async Task<Ack> ReadManyAsync(FramedConnection connection, int count)
    {
        Ack last = null!;
        for (int i = 0; i < count; i++)
        {
            last = await ReadAsync(connection);
        }
        return last;
    }
}
