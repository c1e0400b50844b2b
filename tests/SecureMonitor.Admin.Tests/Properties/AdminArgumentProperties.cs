using FsCheck;
using FsCheck.Fluent;
using SecureMonitor.Admin.Console;
using SecureMonitor.Monitor.Admin;
using SecureMonitor.Tests.Fuzzing;

namespace SecureMonitor.Admin.Tests.Properties;

/// <summary>
/// Fuzzing the admin argument parsing end to end, as far as it goes without a store: a console
/// line is split (<see cref="CommandLine"/>), resolved to a command (<see cref="CommandCatalog"/>)
/// and completed, then the monitor's real command parses its arguments (<see cref="AdminArguments"/>,
/// durations, numbers, host ids, threshold settings, and the rules those settings make). Every line is refused (a split error, an
/// unknown command, an <see cref="AdminCommandException"/> or <see cref="PkiException"/>, as the
/// command handler reports them) or gets through to the node's state; any other exception is a bug
/// the handler would turn into "internal error".
/// </summary>
[Trait("Category", FuzzRun.Category)]
public sealed class AdminArgumentProperties(ITestOutputHelper output) : IDisposable
{
    private const string HostId = "web-01";

    /// <summary>Valid lines of every command, the seeds of the mutations.</summary>
    private static readonly string[] ValidLines =
    [
        "status", "cluster members", "cluster leader", "hosts", $"host {HostId}", "tail",
        $"alerts --host {HostId} --since 10m --severity critical --limit 5", "alerts",
        "incidents --open --limit 3", "incident ack inc-1 --note \"on it\"", "incident resolve 'inc 2' --note x\\ y",
        $"thresholds show {HostId}", "thresholds show all", "thresholds set all cpu.total.warn=80 cpu.total.for=30s --wait 5s",
        $"thresholds set {HostId} memory.used.critical=none load.1.direction=below --wait 1s",
        $"keys rotate {HostId} --grace 24h", $"keys revoke {HostId} --reason 'lost laptop'", "audit --since 1h --limit 10",
    ];

    /// <summary>Words the parsers react to: command words, options, and values at and past their edges.</summary>
    private static readonly string[] Vocabulary =
    [
        .. CommandCatalog.All.SelectMany(command => command.Words.Concat(command.Options)).Distinct(),
        "--", "-", "--x", "all", HostId, "WEB-01", "web_01", "inc-1", "\"\"", "''", "\"a b\"", "\\", "\"", "'",
        "0", "1", "-1", "10000", "10001", "2147483647", "2147483648", "99999999999999999999", "+5", "1e3", "0x10", "١٢",
        "10m", "1h", "0s", "-5m", "1.5h", "10", "1 m", "10mm", "9999999d", "10675199d", "10675200d", "1e308d", "0.0000001ns", "NaNs", "Infinityd",
        "cpu.total.warn=80", "cpu.total.for=30s", "cpu.total.direction=below", "net.eth0.rx_bytes.warn=1", "cpu.core.3.critical=99", "x.y=1", "=", "cpu.total.warn=", "cpu.total.warn=1e400",
        "cpu.total.hysteresis=-1", "cpu.total.cooldown=99999999d", ".warn=1", "cpu..warn=1", "cpu.total.critical=none", "cpu.total.warn=default",
        "info", "warning", "critical", "\u0000", "\u001b[31m", "\uD800", new string('a', 300),
    ];

    /// <summary>Positionals the commands expect: host ids, scopes, incident ids, threshold settings.</summary>
    private static readonly string[] Positionals =
        [HostId, HostId, "all", "inc-1", "cpu.total.warn=80", "memory.used.for=1m", "cpu.total.cooldown=10675199d", "load.1.hysteresis=1e400"];

    private readonly ITestOutputHelper _output = output;
    private readonly AdminLineRunner _runner = new(HostId);

    [Fact]
    public void Every_console_line_is_refused_with_a_usage_error_or_gets_through_the_argument_parsing()
    {
        // Every command the node serves and the console names is fuzzed here.
        Assert.Equal(_runner.Context.CreateHandler().CommandNames.Order(StringComparer.Ordinal), _runner.Commands.Keys.Order(StringComparer.Ordinal));
        Assert.All(CommandCatalog.All, command => Assert.Contains(command.Wire, _runner.Commands.Keys));
        foreach (var line in ValidLines)
        {
            Assert.True(_runner.Run(line) == AdminLineRunner.Outcome.Parsed, $"refused: {line}");
        }

        Gen<char> character = FuzzInputs.Characters(" -\"'\\=.  abcdmhs0123456789");
        // A command's words, plausible positionals, some of its own options (each once) with edge
        // values, now and then a stray word: mostly lines that get as far as the values' checks.
        Gen<string> value = Gen.Elements(Vocabulary).Select(Quoted);
        Gen<string> words =
            from command in Gen.Elements(CommandCatalog.All.ToArray())
            from positionals in Gen.Frequency((4, Gen.Elements(Positionals)), (1, value)).ArrayOf().Resize(3)
            from chosen in Gen.Elements(true, false).ArrayOf(command.Options.Count)
            from values in value.ArrayOf(command.Options.Count)
            from stray in Gen.Frequency((4, Gen.Constant(Array.Empty<string>())), (1, value.ArrayOf().Resize(2)))
            let options = command.Options.Where((_, i) => chosen[i]).Select((option, i) => $"{option} {values[i]}")
            select string.Join(" ", command.Words.Concat(positionals).Concat(options).Concat(stray));
        Gen<string> input = Gen.Frequency(
            (1, FuzzInputs.Random(character).Select(chars => new string(chars))),
            (2, FuzzInputs.Mutated([.. ValidLines.Select(line => line.ToCharArray())], character, FuzzInputs.FlipBit).Select(chars => new string(chars))),
            (3, words));

        var refused = 0;
        var parsed = 0;
        FuzzRun.Check(_output, "admin.arguments", input, line => _ = _runner.Run(line) == AdminLineRunner.Outcome.Refused ? refused++ : parsed++);

        _output.WriteLine($"refused {refused}, parsed {parsed}, threshold rules built {_runner.ThresholdPlans}");
        Assert.True(_runner.ThresholdPlans > 0, "no line got as far as building threshold rules");
        Assert.True(refused > FuzzRun.Cases / 20 && parsed > FuzzRun.Cases / 20, $"refused {refused}, parsed {parsed}: the inputs missed a side");
    }

    /// <summary>A word as the console's splitter reads it back, spaces and quotes included.</summary>
    private static string Quoted(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public void Dispose() => _runner.Dispose();
}
