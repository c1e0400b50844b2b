using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureMonitor.Pki;

/// <summary>Certificates and private keys as PEM files (keys as unencrypted PKCS#8, protected by file mode 0600: a key others may read is refused).</summary>
internal static class PemFiles
{
    public static void WriteCertificate(string path, X509Certificate2 certificate) =>
        AtomicFile.WriteAllText(path, certificate.ExportCertificatePem() + "\n");

    public static void WritePrivateKey(string path, X509Certificate2 certificateWithKey, bool overwrite = true)
    {
        using var key = certificateWithKey.GetECDsaPrivateKey()
            ?? throw new ArgumentException("The certificate has no ECDSA private key.", nameof(certificateWithKey));
        AtomicFile.WriteAllText(path, key.ExportPkcs8PrivateKeyPem() + "\n", overwrite);
    }

    /// <summary>Loads a certificate; the message names the file when it is missing or not a PEM certificate.</summary>
    public static X509Certificate2 ReadCertificate(string path)
    {
        var pem = ReadText(path);
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new PkiException($"{path} does not contain a PEM certificate.", e);
        }
    }

    /// <summary>Loads a certificate and its private key, checking that they belong together.</summary>
    public static X509Certificate2 ReadCertificateWithKey(string certificatePath, string keyPath)
    {
        PrivateFiles.RequireOwnerOnly(keyPath);
        using var certificate = ReadCertificate(certificatePath);
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(ReadText(keyPath));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // Name the file only: nothing from the key file may reach a message.
            throw new PkiException($"{keyPath} does not contain a PEM ECDSA private key.", e);
        }
        try
        {
            return certificate.CopyWithPrivateKey(key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new PkiException($"{keyPath} does not match {certificatePath}.", e);
        }
    }

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PkiException($"{path} does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PkiException($"{path} cannot be read: {e.Message}", e);
        }
    }
}
