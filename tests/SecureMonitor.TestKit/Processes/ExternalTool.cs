namespace SecureMonitor.TestKit.Processes;

/// <summary>
/// A program some tests need that the .NET SDK does not bring (a Debian package). Tests that need
/// one are skipped, with <see cref="MissingReason"/>, when it is not installed; <c>tests/run</c>
/// installs them when it runs as root. Test projects name tools by their <see cref="Key"/> (a
/// constant, so it fits in an attribute argument).
/// </summary>
public sealed class ExternalTool
{
    public const string AlertmanagerKey = "alertmanager";
    public const string StressNgKey = "stress-ng";
    public const string Hping3Key = "hping3";
    public const string PrlimitKey = "prlimit";

    /// <summary>Prometheus Alertmanager: <c>SM_ALERTMANAGER_BIN</c>, else <c>prometheus-alertmanager</c> (Debian) or <c>alertmanager</c> on PATH.</summary>
    public static readonly ExternalTool Alertmanager = new(AlertmanagerKey, "Prometheus Alertmanager", "SM_ALERTMANAGER_BIN",
        ["prometheus-alertmanager", "alertmanager"], "prometheus-alertmanager");

    /// <summary>stress-ng, to load the CPU for real: <c>SM_STRESS_NG_BIN</c>, else <c>stress-ng</c> on PATH.</summary>
    public static readonly ExternalTool StressNg = new(StressNgKey, "stress-ng", "SM_STRESS_NG_BIN", ["stress-ng"], "stress-ng");

    /// <summary>hping3, to send a real SYN flood (raw sockets: root): <c>SM_HPING3_BIN</c>, else <c>hping3</c> on PATH.</summary>
    public static readonly ExternalTool Hping3 = new(Hping3Key, "hping3", "SM_HPING3_BIN", ["hping3"], "hping3");

    /// <summary>prlimit (util-linux), to run a process under a lowered open-file limit: <c>SM_PRLIMIT_BIN</c>, else on PATH.</summary>
    public static readonly ExternalTool Prlimit = new(PrlimitKey, "prlimit", "SM_PRLIMIT_BIN", ["prlimit"], "util-linux");

    private static readonly IReadOnlyDictionary<string, ExternalTool> Known =
        new[] { Alertmanager, StressNg, Hping3, Prlimit }.ToDictionary(tool => tool.Key, StringComparer.Ordinal);

    private ExternalTool(string key, string name, string environmentVariable, IReadOnlyList<string> commands, string debianPackage)
    {
        Key = key;
        Name = name;
        EnvironmentVariable = environmentVariable;
        Commands = commands;
        DebianPackage = debianPackage;
    }

    public string Key { get; }

    public string Name { get; }

    /// <summary>Names the binary explicitly; when set, PATH is not searched.</summary>
    public string EnvironmentVariable { get; }

    /// <summary>Command names searched on PATH, in order.</summary>
    public IReadOnlyList<string> Commands { get; }

    public string DebianPackage { get; }

    public string MissingReason => $"{NotInstalled}; tests/run installs it when root";

    private string NotInstalled => $"{Name} not installed (apt-get install {DebianPackage}, or set {EnvironmentVariable})";

    /// <summary>The tool with this <see cref="Key"/>.</summary>
    public static ExternalTool Named(string key) => Known.TryGetValue(key, out var tool)
        ? tool
        : throw new ArgumentException($"unknown external tool '{key}'; known: {string.Join(", ", Known.Keys)}", nameof(key));

    /// <summary>Why a test needing these tools cannot run (each missing tool's reason), or null if all are installed.</summary>
    public static string? WhyMissing(IEnumerable<string> keys)
    {
        var missing = keys.Select(Named).Where(tool => tool.Find() is null).ToList();
        return missing.Count switch
        {
            0 => null,
            1 => missing[0].MissingReason,
            _ => $"{string.Join("; ", missing.Select(tool => tool.NotInstalled))}; tests/run installs them when root",
        };
    }

    /// <summary>The binary's full path, or null when it is not installed.</summary>
    public string? Find()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return (from directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                from command in Commands
                let candidate = Path.Combine(directory, command)
                where File.Exists(candidate)
                select candidate).FirstOrDefault();
    }

    /// <summary>The binary's full path; throws with <see cref="MissingReason"/> when it is not installed.</summary>
    public string Require() => Find() ?? throw new InvalidOperationException(MissingReason);

    public override string ToString() => Name;
}
