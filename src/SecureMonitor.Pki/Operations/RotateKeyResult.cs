namespace SecureMonitor.Pki;

/// <param name="PskFile">The bundle's psk.json, now holding the new key: hand it to the watcher.</param>
public sealed record RotateKeyResult(string HostId, uint NewKeyId, uint RetiringKeyId, DateTimeOffset RetiresAt, string PskFile);
