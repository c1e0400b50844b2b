using SecureMonitor.Actors.Tests.TestActors;

namespace SecureMonitor.Actors.Tests;

public sealed class TellOrderingTests : IAsyncLifetime
{
    private readonly TestActorSystem _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _kit.ShutdownAsync();

    [Fact]
    public void Ten_thousand_messages_from_one_sender_arrive_in_send_order()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new ForwardingActor(probe), "forwarder");

        for (var i = 0; i < 10_000; i++)
        {
            actor.Tell(i);
        }

        for (var i = 0; i < 10_000; i++)
        {
            probe.ExpectMsg(i);
        }

        Assert.Equal(0, _kit.System.DeadLetters.Count);
    }

    [Fact]
    public async Task Messages_from_concurrent_senders_keep_each_senders_order()
    {
        const int senders = 4, perSender = 2_500;
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new ForwardingActor(probe), "forwarder");

        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            for (var i = 0; i < perSender; i++)
            {
                actor.Tell(new Numbered(s, i));
            }
        })));

        var next = new int[senders];
        for (var i = 0; i < senders * perSender; i++)
        {
            var message = probe.ExpectMsg<Numbered>();
            Assert.Equal(next[message.Sender]++, message.Sequence);
        }
    }
}
