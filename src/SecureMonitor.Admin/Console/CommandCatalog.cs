namespace SecureMonitor.Admin.Console;

/// <summary>One console command: the words that name it, its name on the wire, usage and help.</summary>
/// <param name="Words">What the operator types, e.g. <c>["incident", "ack"]</c>.</param>
/// <param name="Wire">The monitor's name for it, e.g. <c>incident.ack</c>.</param>
/// <param name="Changes">Whether it changes state (admin certificates only; runs on the leader).</param>
public sealed record ConsoleCommand(IReadOnlyList<string> Words, string Wire, string Arguments, string Summary, bool Changes,
    IReadOnlyList<string> Options)
{
    public string Name => string.Join(' ', Words);

    public string Usage => Arguments.Length == 0 ? Name : $"{Name} {Arguments}";

    public bool Streams => Wire == "tail";
}

/// <summary>
/// Every command the console knows, for resolving what the operator typed, completion and help. The
/// monitor checks arguments itself (and answers with the usage); the console only maps words to names.
/// </summary>
public static class CommandCatalog
{
    public static readonly IReadOnlyList<ConsoleCommand> All =
    [
        new(["status"], "status", "", "this node: role in the cluster, uptime, connected watchers, refusals", false, []),
        new(["cluster", "members"], "cluster.members", "", "the monitor nodes and which one leads", false, []),
        new(["cluster", "leader"], "cluster.leader", "", "the leader lease: holder, epoch, expiry", false, []),
        new(["hosts"], "hosts", "", "every host: liveness, connection, last heartbeat, thresholds revision", false, []),
        new(["host"], "host", "<id>", "one host: record, keys (ids and states only), thresholds, latest alerts", false, []),
        new(["alerts"], "alerts", "[--host H] [--since 10m] [--severity info|warning|critical] [--limit N]", "stored alerts, newest first", false,
            ["--host", "--since", "--severity", "--limit"]),
        new(["incidents"], "incidents", "[--open] [--limit N]", "DoS incidents, most recent first", false, ["--open", "--limit"]),
        new(["incident", "ack"], "incident.ack", "<id> [--note TEXT]", "acknowledge the open incident", true, ["--note"]),
        new(["incident", "resolve"], "incident.resolve", "<id> [--note TEXT]", "resolve the active incident now", true, ["--note"]),
        new(["thresholds", "show"], "thresholds.show", "[<host>|all]", "threshold settings, and the rules a host is meant to run", false, []),
        new(["thresholds", "set"], "thresholds.set", "<host>|all <metric>.<level>=<value>... [--wait 5s]",
            "change thresholds (levels: warn, critical, for, hysteresis, cooldown, direction; values: a number, none, default), push them live", true,
            ["--wait"]),
        new(["keys", "rotate"], "keys.rotate", "<host> [--grace 24h]", "give a host a new pre-shared key (the file is copied to the host by hand)", true,
            ["--grace"]),
        new(["keys", "revoke"], "keys.revoke", "<host> [--reason TEXT]", "revoke a host's certificate and keys and drop its connection", true,
            ["--reason"]),
        new(["tail"], "tail", "", "live alerts and incidents until Ctrl-C", false, []),
        new(["audit"], "audit", "[--since 1h] [--limit N]", "the audit log, newest first", false, ["--since", "--limit"]),
    ];

    /// <summary>Words only the interactive console understands.</summary>
    public static readonly IReadOnlyList<string> ConsoleWords = ["help", "exit", "quit"];

    /// <summary>The command the words name and the arguments after them; null when no command matches.</summary>
    public static (ConsoleCommand Command, IReadOnlyList<string> Arguments)? Resolve(IReadOnlyList<string> words)
    {
        foreach (var command in All.OrderByDescending(command => command.Words.Count))
        {
            if (words.Count >= command.Words.Count && command.Words.Select((word, index) => words[index] == word).All(match => match))
            {
                return (command, words.Skip(command.Words.Count).ToList());
            }
        }
        return null;
    }

    /// <summary>What the operator might mean by <paramref name="words"/> that do not name a command.</summary>
    public static string Suggest(IReadOnlyList<string> words)
    {
        var first = words.Count > 0 ? words[0] : "";
        var group = All.Where(command => command.Words[0] == first).ToList();
        return group.Count > 0
            ? $"'{first}' needs one of: {string.Join(", ", group.Select(command => command.Words.Count > 1 ? command.Words[1] : "(nothing)"))}"
            : $"unknown command '{first}'; type 'help' for the list";
    }

    /// <summary>
    /// Completions of the last word of <paramref name="line"/> (the text before the cursor): command
    /// words, then the command's options. Each candidate is the whole word.
    /// </summary>
    public static IReadOnlyList<string> Complete(string line)
    {
        var words = CommandLine.Split(line, out _);
        var partial = line.Length == 0 || char.IsWhiteSpace(line[^1]) ? "" : words.Count > 0 ? words[^1] : "";
        var before = partial.Length == 0 ? words : words.Take(words.Count - 1).ToList();
        IEnumerable<string> candidates;
        if (before.Count == 0)
        {
            candidates = All.Select(command => command.Words[0]).Concat(ConsoleWords);
        }
        else if (before.Count == 1 && before[0] == "help")
        {
            candidates = All.Select(command => command.Words[0]);
        }
        else if (before.Count == 1 && All.Any(command => command.Words.Count > 1 && command.Words[0] == before[0]))
        {
            candidates = All.Where(command => command.Words.Count > 1 && command.Words[0] == before[0]).Select(command => command.Words[1]);
        }
        else
        {
            candidates = Resolve(before)?.Command.Options ?? [];
        }
        return [.. candidates.Distinct().Where(candidate => candidate.StartsWith(partial, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }
}
