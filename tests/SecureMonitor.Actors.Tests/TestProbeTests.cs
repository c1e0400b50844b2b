namespace SecureMonitor.Actors.Tests;

public sealed class TestProbeTests : IAsyncLifetime
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(50);
    private readonly TestActorSystem _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _kit.ShutdownAsync();

    [Fact]
    public void ExpectMsg_failure_names_what_was_expected_and_what_arrived()
    {
        var probe = _kit.CreateProbe();
        probe.Tell(42);

        var error = Assert.Throws<TestKitAssertionException>(() => probe.ExpectMsg<string>(Short));

        Assert.Contains("expected String", error.Message);
        Assert.Contains("received 42 (Int32)", error.Message);
    }

    [Fact]
    public void ExpectMsg_failure_says_when_nothing_arrived()
    {
        var probe = _kit.CreateProbe();

        var error = Assert.Throws<TestKitAssertionException>(() => probe.ExpectMsg("hello", Short));

        Assert.Contains("no message arrived", error.Message);
    }

    [Fact]
    public void ExpectNoMsg_fails_when_a_message_arrives()
    {
        var probe = _kit.CreateProbe();
        probe.Tell("surprise");

        var error = Assert.Throws<TestKitAssertionException>(() => probe.ExpectNoMsg(Short));

        Assert.Contains("surprise", error.Message);
    }

    [Fact]
    public void FishForMessage_skips_messages_until_one_matches()
    {
        var probe = _kit.CreateProbe();
        probe.Tell(1);
        probe.Tell("skip me");
        probe.Tell(5);

        Assert.Equal(5, probe.FishForMessage<int>(n => n > 3));
    }

    [Fact]
    public void Reply_answers_the_last_sender()
    {
        var asker = _kit.CreateProbe();
        var answerer = _kit.CreateProbe();
        asker.Send(answerer, "question");

        answerer.ExpectMsg("question");
        answerer.Reply("answer");

        asker.ExpectMsg("answer");
        Assert.Same(answerer, asker.LastSender);
    }
}
