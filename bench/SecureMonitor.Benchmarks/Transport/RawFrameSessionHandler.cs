using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport.Listening;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>
/// The transport without the monitor: reads frames and verifies nothing. With
/// <paramref name="acknowledgeEachFrame"/>, it answers every envelope frame with an Ack in its own
/// write, as the monitor's watcher session does; otherwise it discards envelope frames and answers
/// only a Hello, used as a sync marker, with an Ack whose sequence is the number of frames received
/// since the previous marker.
/// </summary>
internal sealed class RawFrameSessionHandler(bool acknowledgeEachFrame) : ISecureSessionHandler
{
    public async Task RunAsync(AuthenticatedConnection connection, CancellationToken stopping)
    {
        ulong received = 0;
        while (!stopping.IsCancellationRequested)
        {
            var read = await connection.ReadAsync(stopping);
            if (!read.IsFrame)
            {
                return;
            }
            switch (read.Frame!.BodyCase)
            {
                case Frame.BodyOneofCase.Envelope:
                    received++;
                    if (acknowledgeEachFrame)
                    {
                        await connection.SendAsync(Frames.Ack(received, AckStatus.Accepted, received), stopping);
                    }
                    break;
                case Frame.BodyOneofCase.Hello:
                    await connection.SendAsync(Frames.Ack(received, AckStatus.Accepted, received), stopping);
                    received = 0;
                    break;
                default:
                    return;
            }
        }
    }
}
