namespace SecureMonitor.TestKit;

/// <summary>Finds the repository checkout the tests run from (the folder with SecureMonitor.sln), for the shipped hocon files and the launcher.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "SecureMonitor.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No SecureMonitor.sln above {AppContext.BaseDirectory}.");
    }
}
