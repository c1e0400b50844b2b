namespace SecureMonitor.Pki;

/// <summary>
/// The monitor's live view of keyring.json and revoked.json. The pki command rewrites those files
/// atomically; on a lookup, at most once per <see cref="ReloadCheckInterval"/> (by the injected clock),
/// this compares each file's write time and length with what it loaded and reloads on a change.
/// A file that became unreadable or malformed keeps the last good snapshot in use and is reported in
/// <see cref="LastReloadError"/>: a hand-edit gone wrong must not lock every watcher out.
/// Thread-safe: lookups read an immutable snapshot; one thread at a time reloads.
/// </summary>
public sealed class FileKeyring : IKeyring, IRevocationList
{
    public static readonly TimeSpan DefaultReloadCheckInterval = TimeSpan.FromSeconds(5);

    private readonly string keyringPath;
    private readonly string revocationListPath;
    private readonly TimeProvider timeProvider;
    private readonly Lock reloadLock = new();
    private volatile Snapshot snapshot;
    private long nextCheckTicks;

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

    public Keyring Keyring => CurrentSnapshot().Keyring;

    public RevocationList RevocationList => CurrentSnapshot().Revocations;

    /// <summary>Looks the key up at the injected clock's current time.</summary>
    public KeyLookup Lookup(string hostId, uint keyId) => Lookup(hostId, keyId, timeProvider.GetUtcNow());

    public KeyLookup Lookup(string hostId, uint keyId, DateTimeOffset now) => CurrentSnapshot().Keyring.Lookup(hostId, keyId, now);

    public KeyLookupStatus Check(string hostId, uint keyId, DateTimeOffset now) => CurrentSnapshot().Keyring.Check(hostId, keyId, now);

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
    }

    private Snapshot CurrentSnapshot()
    {
        if (timeProvider.GetUtcNow().UtcTicks >= Interlocked.Read(ref nextCheckTicks)) ReloadIfChanged();
        return snapshot;
    }

    private void ReloadIfChanged()
    {
        lock (reloadLock)
        {
            if (timeProvider.GetUtcNow().UtcTicks < Interlocked.Read(ref nextCheckTicks)) return; // another thread just did
            ScheduleNextCheck();
            var current = snapshot;
            if (FileStamp.Of(keyringPath) == current.KeyringStamp && FileStamp.Of(revocationListPath) == current.RevocationStamp) return;
            try
            {
                snapshot = LoadSnapshot();
                LastReloadError = null;
            }
            catch (PkiException e)
            {
                LastReloadError = e.Message;
            }
        }
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
