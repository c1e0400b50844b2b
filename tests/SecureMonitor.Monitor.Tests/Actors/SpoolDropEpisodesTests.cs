using SecureMonitor.Monitor.Hosts;

namespace SecureMonitor.Monitor.Tests.Actors;

/// <summary>A watcher's growing drop count is one alert per episode; a restarted watcher counts from 0 again.</summary>
public sealed class SpoolDropEpisodesTests
{
    [Fact]
    public void An_episode_begins_when_the_count_grows_after_a_heartbeat_where_it_did_not()
    {
        var episodes = new SpoolDropEpisodes();

        Assert.Equal([null, 2UL, null, null, null, 3UL, null], new ulong[] { 0, 2, 4, 7, 7, 10, 10 }.Select(episodes.Observe));
    }

    [Fact]
    public void The_first_heartbeat_seen_with_drops_begins_an_episode()
    {
        Assert.Equal(5UL, new SpoolDropEpisodes().Observe(5));
    }

    [Fact]
    public void A_count_that_falls_is_a_restarted_watcher_whose_new_drops_begin_an_episode()
    {
        var episodes = new SpoolDropEpisodes();
        Assert.Equal(8UL, episodes.Observe(8));

        Assert.Null(episodes.Observe(0));
        Assert.Equal(3UL, episodes.Observe(3));
        Assert.Equal(2UL, new[] { 9UL, 2UL }.Select(new SpoolDropEpisodes().Observe).Last()); // fell, yet dropping: a new episode
    }
}
