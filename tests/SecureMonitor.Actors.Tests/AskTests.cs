using SecureMonitor.Actors.Tests.TestActors;

namespace SecureMonitor.Actors.Tests;

public sealed class AskTests : IAsyncLifetime
{
    private static readonly TimeSpan RealBound = TimeSpan.FromSeconds(3);
    private readonly TestActorSystem _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _kit.ShutdownAsync();

    [Fact]
    public async Task Ask_completes_with_the_reply()
    {
        var probe = _kit.CreateProbe();
        var actor = _kit.System.ActorOf(() => new CountingActor(probe), "counter");
        actor.Tell(new Increment());

        var count = await actor.Ask<Count>(new GetCount(), TimeSpan.FromSeconds(5)).WaitAsync(RealBound);

        Assert.Equal(new Count(1), count);
    }

    [Fact]
    public async Task Ask_throws_AskTimeoutException_once_the_virtual_clock_passes_the_timeout()
    {
        var probe = _kit.CreateProbe();

        var ask = probe.Ask<string>("anyone?", TimeSpan.FromSeconds(5));
        probe.ExpectMsg("anyone?");
        _kit.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(ask.IsCompleted);

        _kit.Time.Advance(TimeSpan.FromSeconds(0.1));

        var error = await Assert.ThrowsAsync<AskTimeoutException>(() => ask.WaitAsync(RealBound));
        Assert.Contains(probe.Path, error.Message);
    }

    [Fact]
    public async Task A_reply_that_is_an_exception_is_rethrown_by_Ask()
    {
        var probe = _kit.CreateProbe();
        var ask = probe.Ask<string>("fail please", TimeSpan.FromSeconds(5));
        probe.ExpectMsg("fail please");

        probe.Reply(new InvalidOperationException("refused"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ask.WaitAsync(RealBound));
        Assert.Equal("refused", error.Message);
    }

    [Fact]
    public async Task A_reply_of_the_wrong_type_names_both_types()
    {
        var probe = _kit.CreateProbe();
        var ask = probe.Ask<Count>("count?", TimeSpan.FromSeconds(5));
        probe.ExpectMsg("count?");

        probe.Reply("not a count");

        var error = await Assert.ThrowsAsync<InvalidCastException>(() => ask.WaitAsync(RealBound));
        Assert.Contains("Count", error.Message);
        Assert.Contains("String", error.Message);
    }

    [Fact]
    public async Task Ask_is_cancelled_by_its_token()
    {
        var probe = _kit.CreateProbe();
        using var cancellation = new CancellationTokenSource();
        var ask = probe.Ask<string>("slow", TimeSpan.FromSeconds(5), cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask.WaitAsync(RealBound));
    }
}
