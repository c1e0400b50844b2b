namespace SecureMonitor.Pki;

/// <summary>
/// A PKI operation was refused or a PKI file is unusable. The message is meant for an operator and
/// never contains key material.
/// </summary>
public class PkiException : Exception
{
    public PkiException(string message) : base(message) { }

    public PkiException(string message, Exception innerException) : base(message, innerException) { }
}
