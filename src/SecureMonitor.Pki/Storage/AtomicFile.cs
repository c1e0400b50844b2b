using System.Security.Cryptography;
using System.Text;

namespace SecureMonitor.Pki;

/// <summary>
/// Writes files so that a reader (the monitor reloading the keyring) sees the old content or the new
/// one, never half of it: write a temporary file beside the target, flush it to disk, rename it over.
/// Every file is created 0600 from the start (keys are never readable by others, not even briefly; and
/// certificates, the issued index and the revocation list say who is monitored, which is nobody else's
/// business either), in directories created 0700 (<see cref="PrivateFiles"/>).
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string content, bool overwrite = true) =>
        WriteAllBytes(path, Encoding.UTF8.GetBytes(content), overwrite);

    /// <param name="overwrite">false: fail if <paramref name="path"/> exists (used for the CA key).</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, bool overwrite = true)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        PrivateFiles.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFiles.FileMode;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            // Without overwrite, Move fails if the target exists, even if another writer won a race.
            File.Move(temporary, path, overwrite);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
