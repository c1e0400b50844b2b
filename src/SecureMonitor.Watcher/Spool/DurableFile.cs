using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SecureMonitor.Pki;

namespace SecureMonitor.Watcher.Spool;

/// <summary>
/// The two durability steps .NET does not offer: replacing a small file atomically, and making a
/// directory entry (a created, renamed or deleted file) durable by fsync-ing the directory.
/// </summary>
internal static class DurableFile
{
    /// <summary>Writes <paramref name="content"/> to <c>path.tmp</c>, fsyncs it, renames it over
    /// <paramref name="path"/> and fsyncs the directory: after a crash the file holds either the
    /// old content or the new, never a mix.</summary>
    public static void ReplaceAtomically(string path, ReadOnlySpan<byte> content)
    {
        string temporary = path + ".tmp";
        using (SafeFileHandle handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            PrivateFiles.Restrict(handle);
            RandomAccess.Write(handle, content, 0);
            RandomAccess.FlushToDisk(handle);
        }

        File.Move(temporary, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>fsync(2) on the directory itself, so that file creations, renames and deletions in
    /// it survive a power loss. A no-op on Windows, where NTFS journals the metadata.</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int flags = OperatingSystem.IsLinux() ? LinuxOCloexec : OperatingSystem.IsMacOS() ? MacOCloexec : 0;
        int fd = open(directory, flags);
        if (fd < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            throw new IOException($"Cannot open directory '{directory}' to fsync it (errno {error}).");
        }

        try
        {
            if (fsync(fd) != 0)
            {
                // Some file systems answer EINVAL for a directory fsync: they have nothing to flush.
                int error = Marshal.GetLastPInvokeError();
                if (error != EINVAL)
                {
                    throw new IOException($"fsync of directory '{directory}' failed (errno {error}).");
                }
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    private const int LinuxOCloexec = 0x80000; // same value on x86-64 and arm64
    private const int MacOCloexec = 0x1000000;
    private const int EINVAL = 22;

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the project; these are not hot paths.
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
#pragma warning restore SYSLIB1054
}
