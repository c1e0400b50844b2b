using System.Security.Cryptography;

namespace SecureMonitor.Pki;

internal static class SerialNumbers
{
    /// <summary>
    /// 16 random bytes (RFC 5280 allows up to 20). The top bit is cleared so the DER INTEGER stays
    /// positive, and the next one set so it keeps all 16 bytes (no leading zero to strip): 126 random
    /// bits, far beyond the 64 the CA/Browser Forum asks for.
    /// </summary>
    public static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }
}
