using Microsoft.Extensions.Logging;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Cluster;

/// <summary>
/// Keeps this node's membership row fresh and races the other nodes for the one lease row. The
/// winner begins a term (restoring state from the store first) and renews; a leader that cannot renew
/// steps down before its lease can lapse (a watchdog, so a hung store call cannot keep it leading);
/// a follower watches the lease and takes it once it is free or expired. Every write of a term is
/// fenced with its epoch by the store, so a deposed leader's late writes are refused.
/// </summary>
public sealed partial class LeaderElection : IClusterState, IAsyncDisposable
{
    private readonly IMonitorStore _store;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILeadershipTerms _terms;
    private readonly ILogger _log;
    // Serialises ticks with term changes; the watchdog stops acceptance without it.
    private readonly SemaphoreSlim _transition = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _watchdog;
    private volatile ClusterView _view = ClusterView.Unknown;
    private long _termEpoch;
    private CancellationTokenSource? _termEnding;
    private bool _storeFailing;
    private Task _loop = Task.CompletedTask;

    public LeaderElection(IMonitorStore store, LeaderElectionOptions options, ILeadershipTerms terms, TimeProvider time, ILogger<LeaderElection> log)
    {
        options.Validate();
        _store = store;
        _options = options;
        _terms = terms;
        _time = time;
        _log = log;
        _watchdog = time.CreateTimer(_ => OnLeaseRunningOut(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string NodeId => _options.NodeId;

    public string Endpoint => _options.Endpoint;

    public bool IsLeader => _view.IsLeader;

    public long Epoch => _view.Epoch;

    public string? LeaderNodeId => _view.LeaderNodeId;

    public string? LeaderEndpoint => _view.LeaderEndpoint;

    /// <summary>Where to send a watcher this node cannot serve: the leader, or with none known, the
    /// other members that are alive.</summary>
    public IReadOnlyList<string> RedirectEndpoints
    {
        get
        {
            var view = _view;
            return view.LeaderEndpoint is { } leader && !view.IsLeader ? [leader] : view.OtherEndpoints;
        }
    }

    /// <summary>Registers this node and makes the first bid inline, so a lone node normally leads as
    /// soon as this returns (if the store is too slow, it follows until the next round); then, unless <paramref name="renewInBackground"/> is false (tests drive
    /// <see cref="TickAsync"/> themselves), keeps renewing or bidding every renewal interval.</summary>
    public async Task StartAsync(CancellationToken cancellationToken, bool renewInBackground = true)
    {
        try
        {
            await TickAsync(cancellationToken);
        }
        catch (Exception error) when (error is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            // A store slow to answer at start (several nodes migrating at once, a busy machine) is no
            // reason to stop: the node starts as a follower and bids again at the next round.
            StoreFailed(error);
        }
        if (renewInBackground)
        {
            _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.RenewInterval, _time, stopping);
                await TickAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                StoreFailed(error);
            }
        }
    }

    /// <summary>
    /// One round: refresh this node's membership, then renew (leader) or look for a free lease
    /// (follower). Each store call is bounded by the renewal interval, so a store that stops answering
    /// cannot hold the node past its watchdog or keep it from rejoining later. Throws what the store threw.
    /// </summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.RenewInterval, _time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        await _transition.WaitAsync(bounded.Token);
        try
        {
            var now = _time.GetUtcNow();
            await _store.UpsertMemberAsync(_options.NodeId, _options.Endpoint, now, bounded.Token);
            if (_termEpoch != 0)
            {
                await RenewLockedAsync(now, bounded.Token);
            }
            else
            {
                await BidLockedAsync(now, bounded.Token, cancellationToken);
            }
            StoreRecovered();
        }
        finally
        {
            _transition.Release();
        }
    }

    private async Task RenewLockedAsync(DateTimeOffset startedAt, CancellationToken stopping)
    {
        var renewed = await _store.RenewLeaseAsync(_options.NodeId, _termEpoch, _options.LeaseDuration, startedAt, stopping);
        if (_termEnding!.IsCancellationRequested)
        {
            await EndTermLockedAsync("its lease ran out before a renewal succeeded");
        }
        else if (!renewed)
        {
            await EndTermLockedAsync("the store refused the renewal (another node took the lease)");
        }
        else
        {
            // Counted from when the renewal was sent: the store may have applied it at once.
            ArmWatchdog(startedAt);
        }
    }

    private async Task BidLockedAsync(DateTimeOffset now, CancellationToken bounded, CancellationToken stopping)
    {
        var lease = await _store.ReadLeaseAsync(bounded);
        var members = await _store.ListMembersAsync(bounded);
        string[] others = [.. members
            .Where(member => member.NodeId != _options.NodeId && now - member.HeartbeatAt < _options.LeaseDuration)
            .Select(member => member.Endpoint)];
        if (lease.IsHeldAt(now) && lease.Holder != _options.NodeId)
        {
            Follow(new ClusterView(false, lease.Epoch, lease.Holder, lease.Endpoint, others));
            return;
        }

        var grant = await _store.TryAcquireLeaseAsync(_options.NodeId, _options.Endpoint, _options.LeaseDuration, now, bounded);
        if (grant is null)
        {
            Follow(new ClusterView(false, lease.Epoch, null, null, others)); // lost the race; the next tick reads the winner
            return;
        }

        _termEpoch = grant.Epoch;
        _termEnding = new CancellationTokenSource();
        ArmWatchdog(now);
        try
        {
            // Restoring may take longer than one store call; the watchdog bounds it by the lease.
            await _terms.BeginTermAsync(grant.Epoch, _termEnding.Token, stopping);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            LogTermFailedToStart(_log, _options.NodeId, grant.Epoch, error);
            await _termEnding.CancelAsync();
            await EndTermLockedAsync("its term could not start");
            return;
        }
        if (_termEnding.IsCancellationRequested)
        {
            await EndTermLockedAsync("its lease ran out while it restored state");
            return;
        }
        _view = new ClusterView(true, grant.Epoch, _options.NodeId, _options.Endpoint, others);
        LogLeading(_log, _options.NodeId, grant.Epoch, _options.Endpoint);
    }

    private void Follow(ClusterView view)
    {
        var before = _view;
        _view = view;
        if (view.LeaderNodeId is { } leader && (leader != before.LeaderNodeId || view.Epoch != before.Epoch))
        {
            LogFollowing(_log, _options.NodeId, leader, view.Epoch, view.LeaderEndpoint ?? "?");
        }
    }

    private void ArmWatchdog(DateTimeOffset renewedAt)
    {
        var due = renewedAt + _options.LeaseDuration - _options.StepDownMargin - _time.GetUtcNow();
        _watchdog.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The watchdog: stop accepting now, without waiting for a tick stuck on the store;
    /// the clean-up follows once the tick lets go.</summary>
    private void OnLeaseRunningOut()
    {
        var ending = _termEnding;
        if (ending is null || ending.IsCancellationRequested)
        {
            return;
        }
        // Not the leader any more, nor a leader to point watchers at: they go to the other members.
        _view = _view with { IsLeader = false, LeaderNodeId = null, LeaderEndpoint = null };
        ending.Cancel();
        LogLeaseRunningOut(_log, _options.NodeId, _view.Epoch);
        _ = Task.Run(async () =>
        {
            await _transition.WaitAsync();
            try
            {
                if (_termEnding == ending)
                {
                    await EndTermLockedAsync("it could not renew its lease in time");
                }
            }
            finally
            {
                _transition.Release();
            }
        });
    }

    /// <summary>Ends term <paramref name="epoch"/> if this node still holds it, giving the lease back: for a
    /// leader that can no longer serve its term (its store writes fail). The node bids again next round.</summary>
    public async Task StepDownAsync(long epoch, string reason)
    {
        await _transition.WaitAsync();
        try
        {
            if (epoch != 0 && _termEpoch == epoch)
            {
                await EndTermLockedAsync(reason);
            }
        }
        finally
        {
            _transition.Release();
        }
    }

    private async Task EndTermLockedAsync(string reason)
    {
        var epoch = _termEpoch;
        var ending = _termEnding!;
        _view = _view with { IsLeader = false, LeaderNodeId = null, LeaderEndpoint = null };
        _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        await ending.CancelAsync();
        try
        {
            await _terms.EndTermAsync(epoch, reason);
        }
        finally
        {
            _termEpoch = 0;
            _termEnding = null;
            ending.Dispose();
            LogSteppedDown(_log, _options.NodeId, epoch, reason);
        }
        // Give the lease back so a healthy node need not wait for it to lapse; the store may well be
        // the reason for stepping down, so this is best effort and bounded.
        try
        {
            using var bounded = new CancellationTokenSource(_options.RenewInterval, _time);
            await _store.ReleaseLeaseAsync(_options.NodeId, epoch, bounded.Token);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            StoreFailed(error);
        }
    }

    private void StoreFailed(Exception error)
    {
        if (!_storeFailing)
        {
            _storeFailing = true;
            LogStoreUnavailable(_log, _options.NodeId, error.GetType().Name, error.Message);
        }
    }

    private void StoreRecovered()
    {
        if (_storeFailing)
        {
            _storeFailing = false;
            LogStoreBack(_log, _options.NodeId);
        }
    }

    /// <summary>Steps down if leading (giving the lease back) and stops bidding.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        await _transition.WaitAsync();
        try
        {
            if (_termEpoch != 0)
            {
                await EndTermLockedAsync("the node is stopping");
            }
        }
        finally
        {
            _transition.Release();
        }
        await _watchdog.DisposeAsync();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} is the leader (epoch {Epoch}), serving watchers on {Endpoint}")]
    private static partial void LogLeading(ILogger log, string node, long epoch, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} follows leader {Leader} (epoch {Epoch}) at {Endpoint}")]
    private static partial void LogFollowing(ILogger log, string node, string leader, long epoch, string endpoint);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Node {Node} stepped down from epoch {Epoch}: {Reason}")]
    private static partial void LogSteppedDown(ILogger log, string node, long epoch, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Node {Node} could not renew its lease (epoch {Epoch}) in time: it stops accepting watcher traffic now")]
    private static partial void LogLeaseRunningOut(ILogger log, string node, long epoch);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {Node} won epoch {Epoch} but could not start its term")]
    private static partial void LogTermFailedToStart(ILogger log, string node, long epoch, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {Node} cannot reach the store ({Error}: {Detail}); retrying every renewal interval")]
    private static partial void LogStoreUnavailable(ILogger log, string node, string error, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} reaches the store again")]
    private static partial void LogStoreBack(ILogger log, string node);
}
