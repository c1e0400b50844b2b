namespace SecureMonitor.Pki;

/// <summary>
/// The monitor's live view of keyring.json and revoked.json. The pki command rewrites those files
/// atomically; on a lookup, at most once per <see cref="ReloadCheckInterval"/> (by the injected clock),
/// this compares each file's write time and length with what it loaded and reloads on a change;
/// <see cref="CheckForChanges"/> does the same at once (the monitor calls it on a timer, so a
/// revocation is noticed without any traffic). A host the ring does not know makes it look at the
/// files at once (at most every <see cref="UnknownHostRecheckInterval"/>): a watcher issued a moment
/// ago is not refused as unknown until the next check. <see cref="Reloaded"/> tells who holds live
/// sessions that the lists changed. A file that became unreadable or malformed keeps the last good
/// snapshot in use and is reported in <see cref="LastReloadError"/>: a hand-edit gone wrong must not
/// lock every watcher out.
/// Thread-safe: lookups read an immutable snapshot; one thread at a time reloads.
/// </summary>
public sealed class FileKeyring : IKeyring, IRevocationList
{
    public static readonly TimeSpan DefaultReloadCheckInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Least time between two looks at the files caused by lookups of hosts the ring does not know.</summary>
    public static readonly TimeSpan UnknownHostRecheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly string keyringPath;
    private readonly string revocationListPath;
    private readonly TimeProvider timeProvider;
    private readonly Lock reloadLock = new();
    private volatile Snapshot snapshot;
    private long nextCheckTicks;
    private long nextUnknownHostCheckTicks = long.MinValue;

    /// <exception cref="PkiException">A file is missing or malformed at start: the monitor must not start without keys.</exception>
    public FileKeyring(string keyringPath, string revocationListPath, TimeProvider timeProvider, TimeSpan? reloadCheckInterval = null)
    {
        this.keyringPath = Path.GetFullPath(keyringPath);
        this.revocationListPath = Path.GetFullPath(revocationListPath);
        this.timeProvider = timeProvider;
        ReloadCheckInterval = reloadCheckInterval ?? DefaultReloadCheckInterval;
        snapshot = LoadSnapshot();
        ScheduleNextCheck();
    }

    public static FileKeyring Open(PkiPaths paths, TimeProvider timeProvider, TimeSpan? reloadCheckInterval = null) =>
        new(paths.Keyring, paths.RevocationList, timeProvider, reloadCheckInterval);

    public TimeSpan ReloadCheckInterval { get; }

    /// <summary>Why the last automatic reload failed, or null if it succeeded (the previous snapshot stays in use).</summary>
    public string? LastReloadError { get; private set; }

    /// <summary>Raised after a reload brought new contents (a revocation, a new host, a rotation), on
    /// the thread that reloaded, outside the reload lock. Handlers must not block.</summary>
    public event Action? Reloaded;

    public Keyring Keyring => CurrentSnapshot().Keyring;

    public RevocationList RevocationList => CurrentSnapshot().Revocations;

    /// <summary>Looks the key up at the injected clock's current time.</summary>
    public KeyLookup Lookup(string hostId, uint keyId) => Lookup(hostId, keyId, timeProvider.GetUtcNow());

    public KeyLookup Lookup(string hostId, uint keyId, DateTimeOffset now)
    {
        var lookup = CurrentSnapshot().Keyring.Lookup(hostId, keyId, now);
        return lookup.Status == KeyLookupStatus.UnknownHost && RecheckForUnknownHost() ? snapshot.Keyring.Lookup(hostId, keyId, now) : lookup;
    }

    public KeyLookupStatus Check(string hostId, uint keyId, DateTimeOffset now)
    {
        var status = CurrentSnapshot().Keyring.Check(hostId, keyId, now);
        return status == KeyLookupStatus.UnknownHost && RecheckForUnknownHost() ? snapshot.Keyring.Check(hostId, keyId, now) : status;
    }

    public bool IsRevoked(string serialNumber) => CurrentSnapshot().Revocations.IsRevoked(serialNumber);

    /// <summary>Reloads both files now, whether they changed or not.</summary>
    /// <exception cref="PkiException">A file is missing or malformed; the previous snapshot stays in use.</exception>
    public void Reload()
    {
        lock (reloadLock)
        {
            snapshot = LoadSnapshot();
            LastReloadError = null;
            ScheduleNextCheck();
        }
        Reloaded?.Invoke();
    }

    /// <summary>Reloads now if either file changed since it was loaded, whatever the schedule.
    /// A malformed file keeps the previous snapshot (see <see cref="LastReloadError"/>).</summary>
    /// <returns>Whether new contents were loaded.</returns>
    public bool CheckForChanges() => ReloadIfChanged(scheduled: false);

    private Snapshot CurrentSnapshot()
    {
        if (timeProvider.GetUtcNow().UtcTicks >= Interlocked.Read(ref nextCheckTicks)) ReloadIfChanged(scheduled: true);
        return snapshot;
    }

    /// <summary>A certificate the CA signed names a host the ring does not know: it may have been
    /// issued since the last check. Rate-limited, since every envelope of such a host asks.</summary>
    private bool RecheckForUnknownHost()
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref nextUnknownHostCheckTicks);
        if (now < due || Interlocked.CompareExchange(ref nextUnknownHostCheckTicks, now + UnknownHostRecheckInterval.Ticks, due) != due) return false;
        return ReloadIfChanged(scheduled: false);
    }

    private bool ReloadIfChanged(bool scheduled)
    {
        lock (reloadLock)
        {
            if (scheduled && timeProvider.GetUtcNow().UtcTicks < Interlocked.Read(ref nextCheckTicks)) return false; // another thread just did
            ScheduleNextCheck();
            var current = snapshot;
            if (FileStamp.Of(keyringPath) == current.KeyringStamp && FileStamp.Of(revocationListPath) == current.RevocationStamp) return false;
            try
            {
                snapshot = LoadSnapshot();
                LastReloadError = null;
            }
            catch (PkiException e)
            {
                LastReloadError = e.Message;
                return false;
            }
        }
        Reloaded?.Invoke();
        return true;
    }

    private Snapshot LoadSnapshot()
    {
        // Stamps are taken before reading: a write racing with the read shows up as a change next time.
        var keyringStamp = FileStamp.Of(keyringPath);
        var revocationStamp = FileStamp.Of(revocationListPath);
        return new Snapshot(KeyringFile.Load(keyringPath), RevocationListFile.Load(revocationListPath), keyringStamp, revocationStamp);
    }

    private void ScheduleNextCheck() =>
        Interlocked.Exchange(ref nextCheckTicks, (timeProvider.GetUtcNow() + ReloadCheckInterval).UtcTicks);

    public override string ToString() => $"FileKeyring {{ {keyringPath} }}";

    private sealed record Snapshot(Keyring Keyring, RevocationList Revocations, FileStamp KeyringStamp, FileStamp RevocationStamp);

    /// <summary>Enough to notice a rewrite: the atomic rename gives a new write time (and usually length).</summary>
    private readonly record struct FileStamp(DateTime LastWriteUtc, long Length)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length) : default;
        }
    }
}
