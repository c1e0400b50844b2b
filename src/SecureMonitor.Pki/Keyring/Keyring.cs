using System.Collections.Immutable;

namespace SecureMonitor.Pki;

/// <summary>
/// The monitor's pre-shared keys: per host, every key it has ever had, so key ids are never reused.
/// Immutable: each change returns a new ring, so a reader never sees a half-applied rotation.
/// </summary>
public sealed class Keyring : IKeyring
{
    private readonly ImmutableSortedDictionary<string, ImmutableArray<KeyringKey>> hosts;

    private Keyring(ImmutableSortedDictionary<string, ImmutableArray<KeyringKey>> hosts) => this.hosts = hosts;

    public static Keyring Empty { get; } = new(ImmutableSortedDictionary.Create<string, ImmutableArray<KeyringKey>>(StringComparer.Ordinal));

    public IEnumerable<string> HostIds => hosts.Keys;

    public bool Contains(string hostId) => hosts.ContainsKey(hostId);

    public IReadOnlyList<KeyringKey> KeysOf(string hostId) => hosts.TryGetValue(hostId, out var keys) ? keys : [];

    /// <summary>The key the host should be sealing with, or null if it has none (revoked).</summary>
    public KeyringKey? CurrentKeyOf(string hostId) =>
        KeysOf(hostId).SingleOrDefault(key => key.RetiresAt is null && key.RevokedAt is null);

    public KeyLookup Lookup(string hostId, uint keyId, DateTimeOffset now)
    {
        var status = Check(hostId, keyId, now, out var key);
        return status == KeyLookupStatus.Found ? KeyLookup.Found(key!.KeyBytes) : KeyLookup.Rejected(status);
    }

    public KeyLookupStatus Check(string hostId, uint keyId, DateTimeOffset now) => Check(hostId, keyId, now, out _);

    private KeyLookupStatus Check(string hostId, uint keyId, DateTimeOffset now, out KeyringKey? found)
    {
        found = null;
        if (!hosts.TryGetValue(hostId, out var keys)) return KeyLookupStatus.UnknownHost;
        foreach (var candidate in keys)
        {
            if (candidate.KeyId == keyId)
            {
                found = candidate;
                break;
            }
        }
        if (found is null) return KeyLookupStatus.UnknownKeyId;
        return found.StateAt(now) switch
        {
            KeyState.Current or KeyState.Retiring => KeyLookupStatus.Found,
            KeyState.Expired => KeyLookupStatus.KeyExpired,
            _ => KeyLookupStatus.Revoked,
        };
    }

    /// <summary>
    /// Adds a fresh key as the host's current one. The previous current key, if any, retires at
    /// <paramref name="now"/> + <paramref name="grace"/>; pass <c>null</c> to revoke every earlier key instead.
    /// </summary>
    public Keyring WithNewKey(string hostId, DateTimeOffset now, TimeSpan? grace, out KeyringKey added)
    {
        var keys = KeysOf(hostId);
        var nextId = keys.Count == 0 ? 1u : checked(keys.Max(key => key.KeyId) + 1);
        var kept = keys.Select(key =>
            grace is null ? key.RevokedOn(now)
            : key.RetiresAt is null && key.RevokedAt is null ? key.RetiringAt(now + grace.Value)
            : key);
        added = KeyringKey.CreateNew(nextId, now);
        return WithHost(hostId, [.. kept, added]);
    }

    /// <summary>Revokes every key of the host; returns the ids that were not revoked before.</summary>
    public Keyring WithHostRevoked(string hostId, DateTimeOffset now, out IReadOnlyList<uint> newlyRevoked)
    {
        var keys = KeysOf(hostId);
        newlyRevoked = keys.Where(key => key.RevokedAt is null).Select(key => key.KeyId).ToList();
        return keys.Count == 0 ? this : WithHost(hostId, keys.Select(key => key.RevokedOn(now)));
    }

    internal Keyring WithHost(string hostId, IEnumerable<KeyringKey> keys) =>
        new(hosts.SetItem(IdentityName.Normalize(hostId, "host id"), [.. keys.OrderBy(key => key.KeyId)]));

    /// <summary>Metadata only; never key bytes.</summary>
    public override string ToString() => $"Keyring {{ {hosts.Count} hosts }}";
}
