namespace SecureMonitor.Pki;

/// <summary>psk.json (0600): <c>{ "hostId": "web-01", "keyId": 3, "key": "&lt;base64, 32 bytes&gt;" }</c>.</summary>
internal static class PskFile
{
    public static PreSharedKey Load(string path)
    {
        var document = StrictJson.Read<PskDocument>(path);
        if (!IdentityName.IsValid(document.HostId))
            throw new PkiException($"{path}: '{IdentityName.Printable(document.HostId)}' is not a valid lower-case host id.");
        if (document.KeyId == 0) throw new PkiException($"{path}: key ids start at 1.");
        var bytes = new byte[KeyringKey.KeyLength + 3];
        if (!Convert.TryFromBase64String(document.Key, bytes, out var written) || written != KeyringKey.KeyLength)
            throw new PkiException($"{path}: 'key' is not base64 of exactly {KeyringKey.KeyLength} bytes.");
        return new PreSharedKey(document.HostId, document.KeyId, bytes.AsSpan(0, written));
    }

    public static void Save(string path, PreSharedKey psk) =>
        StrictJson.Write(path, new PskDocument(psk.HostId, psk.KeyId, Convert.ToBase64String(psk.Key)), FileSecrecy.Secret);
}

internal sealed record PskDocument(string HostId, uint KeyId, string Key)
{
    public override string ToString() => $"PskDocument {{ HostId = {HostId}, KeyId = {KeyId} }}";
}
