using System.Globalization;
using SecureMonitor.Configuration.Units;

namespace SecureMonitor.Monitor.Admin;

/// <summary>
/// A command's arguments as the console sends them: positionals, <c>--name value</c> options and
/// <c>--flag</c> switches. Anything unexpected is an <see cref="AdminCommandException"/> that quotes
/// the command's usage, so a typo never silently changes what a command does.
/// </summary>
public sealed class AdminArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly string _usage;

    private AdminArguments(string usage) => _usage = usage;

    public IReadOnlyList<string> Positionals { get; private set; } = [];

    /// <param name="usage">Shown with every error, e.g. <c>alerts [--host H] [--since 10m]</c>.</param>
    /// <param name="positionals">How many positionals are required, and how many allowed (int.MaxValue: any).</param>
    /// <param name="options">Names (with dashes) that take a value.</param>
    /// <param name="flags">Names (with dashes) that take none.</param>
    public static AdminArguments Parse(IReadOnlyList<string> arguments, string usage, (int Min, int Max) positionals,
        IReadOnlyCollection<string>? options = null, IReadOnlyCollection<string>? flags = null)
    {
        var parsed = new AdminArguments(usage);
        var loose = new List<string>();
        for (var index = 0; index < arguments.Count; index++)
        {
            var argument = arguments[index];
            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
            {
                loose.Add(argument);
            }
            else if (options?.Contains(argument) == true)
            {
                if (index + 1 >= arguments.Count)
                {
                    throw parsed.Error($"{argument} needs a value");
                }
                if (!parsed._options.TryAdd(argument, arguments[++index]))
                {
                    throw parsed.Error($"{argument} is given twice");
                }
            }
            else if (flags?.Contains(argument) == true)
            {
                parsed._flags.Add(argument);
            }
            else
            {
                throw parsed.Error($"unknown option '{Printable(argument)}'");
            }
        }
        if (loose.Count < positionals.Min)
        {
            throw parsed.Error("missing argument");
        }
        if (loose.Count > positionals.Max)
        {
            throw parsed.Error($"unexpected argument '{Printable(loose[positionals.Max])}'");
        }
        parsed.Positionals = loose;
        return parsed;
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>A duration such as <c>10m</c> or <c>1h</c>; null when absent.</summary>
    public TimeSpan? Duration(string name)
    {
        if (Option(name) is not { } text)
        {
            return null;
        }
        return DurationFormat.TryParse(text, out var duration, out var error) && duration >= TimeSpan.Zero
            ? duration
            : throw Error($"{name} '{Printable(text)}': {error ?? "must not be negative"}");
    }

    /// <summary>The start of a window reaching back a duration from <paramref name="now"/> (<c>--since 10m</c>);
    /// null when absent. Nothing is stored from before 1970, so a window reaching further is refused
    /// (and <c>--since 10675199d</c> cannot overflow the date).</summary>
    public DateTimeOffset? Since(string name, DateTimeOffset now)
    {
        if (Duration(name) is not { } window)
        {
            return null;
        }
        return window <= now - DateTimeOffset.UnixEpoch
            ? now - window
            : throw Error($"{name} '{Printable(Option(name)!)}' reaches back before 1970");
    }

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="fallback"/> when absent.</summary>
    public int Int32(string name, int fallback, int min, int max)
    {
        if (Option(name) is not { } text)
        {
            return fallback;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Error($"{name} '{Printable(text)}' must be a whole number from {min} to {max}");
    }

    public AdminCommandException Error(string problem) => new($"{problem} (usage: {_usage})", usage: true);

    /// <summary>Operator text echoed back, cut short and without control characters.</summary>
    public static string Printable(string text) =>
        new([.. text.Take(80).Select(c => char.IsControl(c) ? '?' : c)]);
}
