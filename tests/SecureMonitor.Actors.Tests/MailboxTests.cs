using SecureMonitor.Actors.Tests.TestActors;

namespace SecureMonitor.Actors.Tests;

public sealed class MailboxTests : IAsyncLifetime
{
    private readonly TestActorSystem _kit = new();
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _gate.TrySetResult();
        return _kit.ShutdownAsync();
    }

    [Fact]
    public void Tell_to_a_full_mailbox_sends_the_message_to_dead_letters_and_counts_it()
    {
        var probe = _kit.CreateProbe();
        var deadLetters = _kit.CreateProbe();
        _kit.System.DeadLetters.Subscribe(deadLetters);
        var actor = BlockedActorWithCapacity(2, probe);

        actor.Tell("one");
        actor.Tell("two");
        actor.Tell("three");

        Assert.Equal(1, _kit.System.DeadLetters.CountOf(DeadLetterReason.MailboxFull));
        var letter = deadLetters.ExpectMsg<DeadLetter>();
        Assert.Equal(("three", DeadLetterReason.MailboxFull, actor), (letter.Message, letter.Reason, letter.Recipient));

        _gate.SetResult();
        probe.ExpectMsg("one");
        probe.ExpectMsg("two");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task SendAsync_waits_for_space_instead_of_dropping()
    {
        var probe = _kit.CreateProbe();
        var actor = BlockedActorWithCapacity(1, probe);
        actor.Tell("one");

        var sending = actor.SendAsync("two").AsTask();
        Assert.False(sending.IsCompleted);

        _gate.SetResult();
        await sending.WaitAsync(TimeSpan.FromSeconds(3));
        probe.ExpectMsg("one");
        probe.ExpectMsg("two");
        Assert.Equal(0, _kit.System.DeadLetters.Count);
    }

    [Fact]
    public void Unhandled_messages_are_counted_as_dead_letters()
    {
        var deadLetters = _kit.CreateProbe();
        _kit.System.DeadLetters.Subscribe(deadLetters);
        var actor = _kit.System.ActorOf(() => new WatchingActor(deadLetters), "watcher");

        actor.Tell("not understood");

        var letter = deadLetters.ExpectMsg<DeadLetter>();
        Assert.Equal(("not understood", DeadLetterReason.Unhandled), (letter.Message, letter.Reason));
        Assert.Equal(1, _kit.System.DeadLetters.CountOf(DeadLetterReason.Unhandled));
    }

    /// <summary>An actor stuck in an async handler: its mailbox fills without any thread being blocked.</summary>
    private IActorRef BlockedActorWithCapacity(int capacity, TestProbe probe)
    {
        var actor = _kit.System.ActorOf(Props.Create(() => new GatedActor(probe, _gate.Task)).WithMailboxCapacity(capacity), "gated");
        actor.Tell("block");
        probe.ExpectMsg("blocked");
        // Slots are freed per batch, here when the handler yields: wait (bounded) for the mailbox to read empty.
        Assert.True(SpinWait.SpinUntil(() => ((ActorRef)actor).MailboxCount == 0, TimeSpan.FromSeconds(3)));
        return actor;
    }
}
