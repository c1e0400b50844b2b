namespace SecureMonitor.Sampling.Tests.Support;

/// <summary>A throw-away directory laid out like /proc, for samplers to read.</summary>
internal sealed class FixtureProcRoot : IDisposable
{
    public FixtureProcRoot()
    {
        Path = Directory.CreateTempSubdirectory("securemonitor-proc-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "net"));
    }

    public string Path { get; }

    /// <summary>Writes (or rewrites in place, as the kernel's files change) a file such as "net/dev".</summary>
    public void Write(string relativePath, string content)
        => File.WriteAllText(System.IO.Path.Combine(Path, relativePath), content);

    public void Delete(string relativePath) => File.Delete(System.IO.Path.Combine(Path, relativePath));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

internal static class FixtureProcRootExtensions
{
    /// <summary>Writes every file the default collectors read, as a real 2-core host has them.</summary>
    public static FixtureProcRoot WithTypicalHost(this FixtureProcRoot root)
    {
        root.Write("stat", ProcSamples.StatTwoCores);
        root.Write("meminfo", ProcSamples.MemInfo);
        root.Write("loadavg", ProcSamples.LoadAvg);
        root.Write("net/dev", ProcSamples.NetDev);
        root.Write("net/snmp", ProcSamples.Snmp);
        root.Write("net/netstat", ProcSamples.Netstat());
        root.Write("net/tcp", ProcSamples.Tcp);
        root.Write("net/tcp6", ProcSamples.Tcp6);
        return root;
    }
}
