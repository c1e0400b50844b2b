using SecureMonitor.Pki;

namespace SecureMonitor.Monitor.Admin;

/// <summary>
/// The node's PKI directory as the key commands use it: rotation and revocation through
/// <see cref="PkiDirectory"/> (one at a time: it is not safe for concurrent changes), after which the
/// node's key ring is reloaded at once, so a revocation holds for the next handshake and envelope
/// rather than at the next periodic check.
/// </summary>
public sealed class AdminPki(string root, FileKeyring keyring, TimeProvider time)
{
    private readonly PkiDirectory _directory = new(root, time);
    private readonly SemaphoreSlim _changes = new(1, 1);

    public string Root => _directory.Paths.Root;

    /// <summary>The host's key metadata (ids, states, times; never key bytes).</summary>
    public IReadOnlyList<KeyringKey> KeysOf(string hostId) => keyring.Keyring.KeysOf(hostId);

    /// <summary>Whether the PKI issued this host a key (so it may connect, now or later).</summary>
    public bool Knows(string hostId) => keyring.Keyring.Contains(hostId);

    public Task<RotateKeyResult> RotateKeyAsync(string hostId, TimeSpan grace, CancellationToken cancellationToken) =>
        ChangeAsync(() => _directory.RotateKey(hostId, grace), cancellationToken);

    public Task<RevokeResult> RevokeHostAsync(string hostId, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(() => _directory.Revoke(hostId, CertificateRole.Watcher, reason), cancellationToken);

    private async Task<T> ChangeAsync<T>(Func<T> change, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var result = change();
            keyring.Reload();
            return result;
        }
        finally
        {
            _changes.Release();
        }
    }
}
