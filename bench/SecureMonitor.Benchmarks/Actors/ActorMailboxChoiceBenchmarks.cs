using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace SecureMonitor.Benchmarks.Actors;

/// <summary>
/// The baseline that decided the mailbox design: the same pair workload as
/// <see cref="ActorTellBenchmarks.Pair"/> over a bare bounded Channel (one producer loop, one
/// single-reader consumer loop draining with TryRead before awaiting), i.e. the most a
/// Channel-based mailbox could reach before any actor bookkeeping.
/// </summary>
[ShortRun]
[MemoryDiagnoser]
public class ActorMailboxChoiceBenchmarks
{
    private const int MessagesPerRound = 1_000_000;

    [Benchmark(OperationsPerInvoke = MessagesPerRound, Description = "Bare bounded Channel pair (baseline)")]
    public async Task BoundedChannelPair()
    {
        var channel = Channel.CreateBounded<(object, object?)>(new BoundedChannelOptions(MessagesPerRound)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var consumer = Task.Run(async () =>
        {
            var count = 0;
            while (await channel.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out _))
                {
                    if (++count == MessagesPerRound)
                    {
                        return;
                    }
                }
            }
        });
        await Task.Run(() =>
        {
            for (var i = 0; i < MessagesPerRound; i++)
            {
                channel.Writer.TryWrite((Ping.Instance, null));
            }
        }).ConfigureAwait(false);
        await consumer.ConfigureAwait(false);
    }
}
