using Akka.Actor;
using Akka.Coordination;
using Microsoft.Extensions.Logging;
using SecureMonitor.Storage;

namespace SecureMonitor.Monitor.Cluster.Lease;

/// <summary>
/// The singleton's lease, held in the store's lease row (ARCHITECTURE.md decision 3). A grant moves the
/// fencing epoch, so once another node takes the lease every write of the old term is refused by the store.
/// The holder renews every <c>heartbeat-interval</c>; a watchdog on this node's timer gives the lease up
/// <c>step-down-margin</c> before it would lapse, so a hung store call cannot keep a holder past its lease.
/// </summary>
/// <remarks>
/// <para><b>Owner.</b> The store records <c>OwnerName#uid</c>: Akka's singleton manager passes only the
/// node's host:port, and a restarted node (same address, new uid) must not re-take its previous
/// incarnation's unexpired lease (it waits for it to lapse, under a new epoch). Re-acquiring by the same
/// incarnation while held is allowed and keeps the epoch.</para>
/// <para><b>Clock.</b> Expiry is judged by the store: with <see cref="IStoreClock"/> (PostgreSQL) every node
/// passes the database server's time, so node clock offsets do not matter; SQLite runs on one machine,
/// whose clock all its nodes share. This node's own deadline is measured on its monotonic timer from
/// <i>before</i> it asked the store for the time, so it ends no later than the store's expiry unless the
/// two clocks' rates differ by more than the margin. Even then nothing stale is written: a new holder's
/// grant moves the epoch and the store refuses the old one.</para>
/// </remarks>
public sealed partial class StoreLease : Akka.Coordination.Lease
{
    private readonly StoreLeaseExtension _extension;
    private readonly IMonitorStore _store;
    private readonly IStoreClock? _storeClock;
    private readonly TimeProvider _time;
    private readonly StoreLeaseTiming _timing;
    private readonly string _holder;
    private readonly string _endpoint;
    private readonly ILogger _log;
    // Serialises acquire, renew and release; the watchdog does not wait for it.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ITimer _renewal;
    private readonly ITimer _watchdog;
    private Held? _held;
    private long _retiredEpoch;
    private Action<Exception>? _leaseLost;
    private CancellationTokenSource? _renewing;

    /// <summary>The constructor Akka's <see cref="LeaseProvider"/> calls.</summary>
    public StoreLease(LeaseSettings settings, ExtendedActorSystem system)
        : this(settings, StoreLeaseExtension.Get(system))
    {
        system.RegisterOnTermination(Stop);
    }

    internal StoreLease(LeaseSettings settings, StoreLeaseExtension extension) : base(settings)
    {
        ArgumentException.ThrowIfNullOrEmpty(settings.OwnerName);
        _timing = StoreLeaseTiming.From(settings);
        extension.Claim(settings.LeaseName);
        _extension = extension;
        _store = extension.Options.Store;
        _storeClock = extension.Options.UseStoreClock ? extension.Options.StoreClock ?? _store as IStoreClock : null;
        _time = extension.Options.Time;
        _endpoint = extension.Options.Endpoint;
        _holder = $"{settings.OwnerName}#{extension.Incarnation}";
        _log = extension.Loggers.CreateLogger<StoreLease>();
        _renewal = _time.CreateTimer(_ => _ = RenewAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watchdog = _time.CreateTimer(_ => OnWatchdog(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>What the store records as the holder: the owner and this incarnation.</summary>
    public string Holder => _holder;

    /// <summary>The term held now, or null. Never blocks.</summary>
    public StoreLeaseTerm? Current => Volatile.Read(ref _held)?.Term;

    public override Task<bool> Acquire() => Acquire(null!);

    /// <summary>
    /// True once this incarnation holds the lease (a new epoch, or its own unexpired one extended); false if
    /// another holder's lease is unexpired; <see cref="LeaseTimeoutException"/> or <see cref="LeaseException"/>
    /// when the store did not answer in time or failed (the grant may then have been made: it lapses, or the
    /// next acquire extends it). <paramref name="leaseLostCallback"/> is called, once, when the lease is lost.
    /// </summary>
    public override async Task<bool> Acquire(Action<Exception> leaseLostCallback)
    {
        using var timeout = new CancellationTokenSource(_timing.OperationTimeout, _time);
        await EnterAsync("acquire", timeout.Token);
        try
        {
            var started = _time.GetTimestamp();
            var grant = await TryAcquireAsync(timeout.Token);
            if (grant is not null && grant.Epoch <= Interlocked.Read(ref _retiredEpoch))
            {
                // The store extended a term this node already gave up (lost or released while the store was
                // unreachable): the singleton of that term may still be stopping, so end it there and start anew.
                await _store.ReleaseLeaseAsync(_holder, grant.Epoch, timeout.Token).WaitAsync(timeout.Token);
                started = _time.GetTimestamp();
                grant = await TryAcquireAsync(timeout.Token);
            }
            if (grant is null)
            {
                LogRefused(_log, Settings.LeaseName, _holder);
                return false;
            }
            if (leaseLostCallback is not null)
            {
                _leaseLost = leaseLostCallback;
            }
            Hold(Volatile.Read(ref _held), grant.Epoch, grant.ExpiresAt, started);
            _renewal.Change(_timing.RenewInterval, _timing.RenewInterval);
            return true;
        }
        catch (Exception error) when (Unexpected(error, timeout.Token, "acquire") is { } failure)
        {
            throw failure;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Gives the lease up: true if the store released it, false if this node did not hold it.</summary>
    public override async Task<bool> Release()
    {
        using var timeout = new CancellationTokenSource(_timing.OperationTimeout, _time);
        await EnterAsync("release", timeout.Token);
        try
        {
            // Stop answering CheckLease with true before the store hears of it.
            var held = Interlocked.Exchange(ref _held, null);
            _renewal.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (held is null)
            {
                return false;
            }
            Retire(held.Term.Epoch);
            _extension.Publish(null);
            LogReleased(_log, Settings.LeaseName, _holder, held.Term.Epoch);
            return await _store.ReleaseLeaseAsync(_holder, held.Term.Epoch, timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception error) when (Unexpected(error, timeout.Token, "release") is { } failure)
        {
            throw failure;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Whether this node certainly holds the lease: a volatile read and a timestamp, for actor threads.</summary>
    public override bool CheckLease() => Volatile.Read(ref _held) is { } held && _time.GetTimestamp() < held.Deadline;

    private async Task EnterAsync(string operation, CancellationToken timeout)
    {
        try
        {
            await _gate.WaitAsync(timeout);
        }
        catch (OperationCanceledException)
        {
            throw new LeaseTimeoutException($"Lease '{Settings.LeaseName}': {operation} timed out waiting for a store call in progress");
        }
    }

    private async Task<LeaseGrant?> TryAcquireAsync(CancellationToken ct)
    {
        var now = await NowAsync(ct);
        // WaitAsync: a store call that ignores cancellation still cannot hold the caller past the timeout.
        return await _store.TryAcquireLeaseAsync(_holder, _endpoint, _timing.Duration, now, ct).WaitAsync(ct);
    }

    private async Task<DateTimeOffset> NowAsync(CancellationToken ct) =>
        _storeClock is null ? _time.GetUtcNow() : await _storeClock.GetStoreTimeAsync(ct).WaitAsync(ct);

    /// <summary>Records a grant or renewal made at <paramref name="started"/> (this node's timer, taken before
    /// the store's time was read), unless <paramref name="expected"/> was replaced meanwhile (lost or released).</summary>
    private bool Hold(Held? expected, long epoch, DateTimeOffset expiresAt, long started)
    {
        var term = new StoreLeaseTerm(epoch, expiresAt, _holder);
        var held = new Held(term, started + ToTimestamp(_timing.Duration - _timing.StepDownMargin));
        if (Interlocked.CompareExchange(ref _held, held, expected) != expected)
        {
            return false;
        }
        var left = TimeSpan.FromSeconds((double)(held.Deadline - _time.GetTimestamp()) / _time.TimestampFrequency);
        _watchdog.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        if (expected?.Term.Epoch != epoch)
        {
            LogAcquired(_log, Settings.LeaseName, _holder, epoch, expiresAt);
        }
        _extension.Publish(term);
        return true;
    }

    /// <summary>Every heartbeat-interval while held. Skips a round while another store call of this lease is
    /// still running: the watchdog, not this, bounds how long that may take.</summary>
    private async Task RenewAsync()
    {
        if (!_gate.Wait(0))
        {
            return;
        }
        try
        {
            var held = Volatile.Read(ref _held);
            if (held is null)
            {
                return;
            }
            using var timeout = new CancellationTokenSource(_timing.OperationTimeout, _time);
            Volatile.Write(ref _renewing, timeout);
            var started = _time.GetTimestamp();
            bool renewed;
            DateTimeOffset now;
            try
            {
                now = await NowAsync(timeout.Token);
                renewed = await _store.RenewLeaseAsync(_holder, held.Term.Epoch, _timing.Duration, now, timeout.Token).WaitAsync(timeout.Token);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // Retried next round; the watchdog steps down if no round succeeds in time.
                LogRenewalFailed(_log, Settings.LeaseName, _holder, held.Term.Epoch, error.GetType().Name, error.Message);
                return;
            }
            if (!renewed)
            {
                Lose(held, "the store refused the renewal (the lease expired or another holder took it)");
            }
            else
            {
                Hold(held, held.Term.Epoch, StoredTime(now + _timing.Duration), started);
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            LogRenewalFailed(_log, Settings.LeaseName, _holder, 0, error.GetType().Name, error.Message);
        }
        finally
        {
            Volatile.Write(ref _renewing, null);
            _gate.Release();
        }
    }

    private void OnWatchdog()
    {
        if (Volatile.Read(ref _held) is not { } held)
        {
            return;
        }
        var left = held.Deadline - _time.GetTimestamp();
        if (left <= 0)
        {
            Lose(held, "no renewal succeeded before the lease would lapse");
            return;
        }
        // Timers round to whole milliseconds and may fire a hair before the deadline: look again then, or the
        // lease would be held forever without a renewal (seen: a node cut off from its store kept it).
        _watchdog.Change(TimeSpan.FromSeconds((double)left / _time.TimestampFrequency) + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
    }

    private void Lose(Held held, string reason)
    {
        if (Interlocked.CompareExchange(ref _held, null, held) != held)
        {
            return;
        }
        _renewal.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Retire(held.Term.Epoch);
        CancelRenewal();
        LogLost(_log, Settings.LeaseName, _holder, held.Term.Epoch, reason);
        _extension.Publish(null);
        if (_leaseLost is { } callback)
        {
            // Off this thread: the watchdog's timer and a renewal holding the gate must not wait on Akka.
            var error = new LeaseException($"Lease '{Settings.LeaseName}' lost by {_holder} (epoch {held.Term.Epoch}): {reason}");
            _ = Task.Run(() => callback(error));
        }
    }

    /// <summary>A renewal still waiting on the store is pointless now, and would hold up the next acquire.</summary>
    private void CancelRenewal()
    {
        try
        {
            Volatile.Read(ref _renewing)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It finished meanwhile.
        }
    }

    private void Retire(long epoch)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _retiredEpoch);
        }
        while (epoch > seen && Interlocked.CompareExchange(ref _retiredEpoch, epoch, seen) != seen);
    }

    /// <summary>The system is terminating: stop the timers; a lease not released lapses on its own.</summary>
    private void Stop()
    {
        _renewal.Dispose();
        _watchdog.Dispose();
        Interlocked.Exchange(ref _held, null);
    }

    private LeaseException? Unexpected(Exception error, CancellationToken timeout, string operation) => error switch
    {
        LeaseException => null,
        OperationCanceledException when timeout.IsCancellationRequested =>
            new LeaseTimeoutException($"Lease '{Settings.LeaseName}': the store did not answer {operation} within {_timing.OperationTimeout}", error),
        OutOfMemoryException => null,
        _ => new LeaseException($"Lease '{Settings.LeaseName}': {operation} failed: {error.Message}", error),
    };

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    /// <summary>As the store keeps times: UTC, whole microseconds.</summary>
    private static DateTimeOffset StoredTime(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>A term held, and when (on this node's timer) it must be given up.</summary>
    private sealed record Held(StoreLeaseTerm Term, long Deadline);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease {Lease}: {Holder} holds epoch {Epoch} until {ExpiresAt:O} (store time)")]
    private static partial void LogAcquired(ILogger log, string lease, string holder, long epoch, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lease {Lease}: {Holder} refused, another holder's lease is unexpired")]
    private static partial void LogRefused(ILogger log, string lease, string holder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease {Lease}: {Holder} released epoch {Epoch}")]
    private static partial void LogReleased(ILogger log, string lease, string holder, long epoch);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Lease {Lease}: {Holder} lost epoch {Epoch}: {Reason}")]
    private static partial void LogLost(ILogger log, string lease, string holder, long epoch, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lease {Lease}: {Holder} could not renew epoch {Epoch} ({Error}: {Detail}); retrying until the watchdog")]
    private static partial void LogRenewalFailed(ILogger log, string lease, string holder, long epoch, string error, string detail);
}
