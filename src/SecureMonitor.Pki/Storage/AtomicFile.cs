using System.Security.Cryptography;
using System.Text;

namespace SecureMonitor.Pki;

/// <summary>
/// Writes files so that a reader (the monitor reloading the keyring) sees the old content or the new
/// one, never half of it: write a temporary file beside the target, flush it to disk, rename it over.
/// Secret files are created 0600 from the start, so the key is never readable by others, not even briefly.
/// </summary>
internal static class AtomicFile
{
    private const UnixFileMode SecretMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicMode = SecretMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void WriteAllText(string path, string content, FileSecrecy secrecy, bool overwrite = true) =>
        WriteAllBytes(path, Encoding.UTF8.GetBytes(content), secrecy, overwrite);

    /// <param name="overwrite">false: fail if <paramref name="path"/> exists (used for the CA key).</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, FileSecrecy secrecy, bool overwrite = true)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        CreatePrivateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}.tmp");
        var mode = secrecy == FileSecrecy.Secret ? SecretMode : PublicMode;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            // The umask may have removed bits from a public file; set the mode we mean.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, mode);
            // Without overwrite, Move fails if the target exists, even if another writer won a race.
            File.Move(temporary, path, overwrite);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Creates the directory (and parents) owner-only; tightens an existing one.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(path, DirectoryMode);
    }
}
