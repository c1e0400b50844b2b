namespace SecureMonitor.Pki;

/// <summary>
/// keyring.json (0600):
/// <code>
/// { "version": 1,
///   "hosts": { "web-01": [ { "keyId": 1, "key": "&lt;base64, 32 bytes&gt;", "createdAt": "...",
///                             "retiresAt": null, "revokedAt": null } ] } }
/// </code>
/// Read strictly: any defect is a <see cref="PkiException"/> naming the file and the entry.
/// </summary>
internal static class KeyringFile
{
    private const int CurrentVersion = 1;

    public static Keyring Load(string path)
    {
        PrivateFiles.RequireOwnerOnly(path);
        var document = StrictJson.Read<KeyringDocument>(path);
        if (document.Version != CurrentVersion)
            throw new PkiException($"{path}: unsupported version {document.Version} (expected {CurrentVersion}).");

        var keyring = Keyring.Empty;
        foreach (var (hostId, entries) in document.Hosts)
        {
            if (!IdentityName.IsValid(hostId))
                throw new PkiException($"{path}: host '{IdentityName.Printable(hostId)}' is not a valid lower-case host id.");
            var keys = entries.Select(entry => ToKey(path, hostId, entry)).ToList();
            if (keys.GroupBy(key => key.KeyId).FirstOrDefault(group => group.Count() > 1) is { } duplicate)
                throw new PkiException($"{path}: host '{hostId}' has key id {duplicate.Key} more than once.");
            if (keys.Count(key => key.RetiresAt is null && key.RevokedAt is null) > 1)
                throw new PkiException($"{path}: host '{hostId}' has more than one current key (retiresAt and revokedAt both null).");
            keyring = keyring.WithHost(hostId, keys);
        }
        return keyring;
    }

    public static void Save(string path, Keyring keyring)
    {
        var hosts = keyring.HostIds.ToDictionary(
            hostId => hostId,
            hostId => keyring.KeysOf(hostId).Select(key => new KeyringKeyDocument(
                key.KeyId, Convert.ToBase64String(key.KeyBytes), key.CreatedAt, key.RetiresAt, key.RevokedAt)).ToList(),
            StringComparer.Ordinal);
        StrictJson.Write(path, new KeyringDocument(CurrentVersion, hosts));
    }

    private static KeyringKey ToKey(string path, string hostId, KeyringKeyDocument entry)
    {
        var where = $"{path}: host '{hostId}' key {entry.KeyId}";
        if (entry.KeyId == 0) throw new PkiException($"{path}: host '{hostId}': key ids start at 1.");
        var bytes = new byte[KeyringKey.KeyLength + 3];
        // The message names the entry, never the (possibly partly valid) key text.
        if (!Convert.TryFromBase64String(entry.Key, bytes, out var written) || written != KeyringKey.KeyLength)
            throw new PkiException($"{where}: 'key' is not base64 of exactly {KeyringKey.KeyLength} bytes.");
        if (entry.RetiresAt < entry.CreatedAt) throw new PkiException($"{where}: retiresAt is before createdAt.");
        return new KeyringKey(entry.KeyId, bytes.AsSpan(0, written), entry.CreatedAt, entry.RetiresAt, entry.RevokedAt);
    }
}

internal sealed record KeyringDocument(int Version, Dictionary<string, List<KeyringKeyDocument>> Hosts);

internal sealed record KeyringKeyDocument(
    uint KeyId,
    string Key,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RetiresAt = null,
    DateTimeOffset? RevokedAt = null)
{
    public override string ToString() => $"KeyringKeyDocument {{ KeyId = {KeyId} }}";
}
