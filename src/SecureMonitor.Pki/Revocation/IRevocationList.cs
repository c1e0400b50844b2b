namespace SecureMonitor.Pki;

/// <summary>
/// Our own revocation list, checked by serial number. There is no CRL or OCSP: every party that
/// validates certificates (the monitor) reads revoked.json from the PKI directory.
/// </summary>
public interface IRevocationList
{
    /// <param name="serialNumber">Hex, as <see cref="System.Security.Cryptography.X509Certificates.X509Certificate2.SerialNumber"/> gives it; case does not matter.</param>
    bool IsRevoked(string serialNumber);
}
