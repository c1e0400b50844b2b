namespace SecureMonitor.Pki;

/// <summary>Who may read a file written by the PKI.</summary>
internal enum FileSecrecy
{
    /// <summary>Certificates and indexes: 0644 (the directories around them are 0700 anyway).</summary>
    Public,
    /// <summary>Private keys, PSKs, the keyring: 0600, owner only.</summary>
    Secret,
}
