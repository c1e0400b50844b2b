namespace SecureMonitor.Pki;

/// <summary>
/// Owner-only files and directories: what the PKI, the watcher's data directory and the monitor's
/// store are made of. Directories are created 0700 (with every missing parent) and files 0600, whatever
/// the umask; a secret file that others may read is refused, as ssh refuses such a key.
/// </summary>
public static class PrivateFiles
{
    /// <summary>rw------- : every file the PKI, the watcher and the monitor write.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>rwx------ : every directory they create, and their own data directories.</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Creates <paramref name="path"/> and each missing parent 0700, and tightens <paramref name="path"/> itself
    /// to 0700 if it existed (it is ours), unless it is a shared directory (sticky bit, as /tmp). Parents that
    /// already existed are left alone.
    /// </summary>
    public static void CreateDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var missing = new Stack<string>();
        for (var directory = Path.GetFullPath(path); !Directory.Exists(directory); directory = Path.GetDirectoryName(directory)!)
        {
            missing.Push(directory);
        }
        while (missing.TryPop(out var directory))
        {
            // The mode given to mkdir is cut by the umask; set it afterwards so it is exactly 0700.
            Directory.CreateDirectory(directory, DirectoryMode);
            File.SetUnixFileMode(directory, DirectoryMode);
        }
        if ((File.GetUnixFileMode(path) & UnixFileMode.StickyBit) == 0)
        {
            File.SetUnixFileMode(path, DirectoryMode);
        }
    }

    /// <summary>Sets an existing file to 0600 (no-op on Windows, where ACLs apply).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }

    /// <summary>Sets a file just opened or created through <paramref name="handle"/> to 0600.</summary>
    public static void Restrict(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(handle, FileMode);
        }
    }

    /// <summary>
    /// Refuses a secret file (private key, pre-shared key, key ring) that the group or others may read,
    /// write or run: the message names the file and its mode and says how to fix it. A missing file is
    /// left for the reader to report.
    /// </summary>
    /// <exception cref="InsecureFileModeException">The file is open to others.</exception>
    public static void RequireOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOthers) != 0)
        {
            throw new InsecureFileModeException(path, mode);
        }
    }
}

/// <summary>A secret file is open to other users (its mode allows group or others any access).</summary>
public sealed class InsecureFileModeException(string path, UnixFileMode mode)
    : PkiException($"Permissions {Octal(mode)} for '{path}' are too open: a private key must not be accessible by other users, " +
        $"so it is refused. Fix it with: chmod 600 '{path}'")
{
    public string Path { get; } = path;

    public UnixFileMode Mode { get; } = mode;

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8).PadLeft(3, '0');
}
