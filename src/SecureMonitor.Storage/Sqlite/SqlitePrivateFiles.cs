namespace SecureMonitor.Storage.Sqlite;

/// <summary>
/// The SQLite store's directory 0700 and its files 0600: they hold every host's alerts, incidents and the
/// audit log. SQLite creates the -wal and -shm files with the database file's mode, so the database is
/// created 0600 before SQLite first opens it; files an earlier version left readable are tightened.
/// (The Storage assembly stands alone, so this is not the PKI's PrivateFiles.)
/// </summary>
internal static class SqlitePrivateFiles
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute;

    /// <summary>The suffixes of the files SQLite keeps beside the database.</summary>
    public static readonly IReadOnlyList<string> CompanionSuffixes = ["-wal", "-shm", "-journal"];

    /// <summary>Creates <paramref name="directory"/> (and each missing parent) 0700 and tightens it if it existed,
    /// unless it is a shared directory (sticky bit).</summary>
    public static void PrepareDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        var missing = new Stack<string>();
        for (var path = Path.GetFullPath(directory); !Directory.Exists(path); path = Path.GetDirectoryName(path)!)
        {
            missing.Push(path);
        }
        while (missing.TryPop(out var path))
        {
            Directory.CreateDirectory(path, DirectoryMode);
            File.SetUnixFileMode(path, DirectoryMode); // exactly 0700, whatever the umask
        }
        if ((File.GetUnixFileMode(directory) & UnixFileMode.StickyBit) == 0) // not a shared directory such as /tmp
        {
            File.SetUnixFileMode(directory, DirectoryMode);
        }
    }

    /// <summary>Creates the database file empty and 0600 if it is missing; sets it and its companions to 0600.</summary>
    public static void PrepareDatabase(string databasePath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using var created = new FileStream(databasePath, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode,
            });
        }
        catch (IOException) when (File.Exists(databasePath))
        {
            // It exists: tightened below.
        }

        foreach (var path in CompanionSuffixes.Select(suffix => databasePath + suffix).Prepend(databasePath))
        {
            if (File.Exists(path))
            {
                File.SetUnixFileMode(path, FileMode);
            }
        }
    }
}
