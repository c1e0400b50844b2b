using System.Globalization;

namespace SecureMonitor.Analysis.Thresholds;

/// <summary>
/// A validated, immutable set of threshold rules with the revision it was published under
/// (the monitor pushes replacements; the watcher keeps the highest revision). Ids are unique.
/// Build one with <see cref="Parse"/> (key/value input, e.g. one configuration section per rule) or
/// <see cref="Create"/> (typed rules); both report every problem, never just the first.
/// </summary>
public sealed class ThresholdRuleSet
{
    private readonly Dictionary<string, ThresholdRule> _byId;

    private ThresholdRuleSet(long revision, IReadOnlyList<ThresholdRule> rules)
    {
        Revision = revision;
        Rules = rules;
        _byId = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>No rules, revision 0.</summary>
    public static ThresholdRuleSet Empty { get; } = new(0, []);

    public long Revision { get; }

    /// <summary>The rules, in input order.</summary>
    public IReadOnlyList<ThresholdRule> Rules { get; }

    public ThresholdRule? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Validates typed rules: each rule's own checks, unique ids, a non-negative revision.</summary>
    public static ThresholdRuleSetResult Create(long revision, IEnumerable<ThresholdRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var errors = new List<ThresholdRuleError>();
        CheckRevision(revision, errors);
        var list = new List<ThresholdRule>();
        var indexes = new List<int>();
        int index = 0;
        foreach (ThresholdRule? rule in rules)
        {
            if (rule is null)
            {
                errors.Add(new ThresholdRuleError(index, null, null, "rule is missing (null)"));
            }
            else
            {
                foreach ((string key, string message) in rule.ValidateByKey())
                {
                    errors.Add(new ThresholdRuleError(index, rule.Id, key, message));
                }

                list.Add(rule);
                indexes.Add(index);
            }

            index++;
        }

        return Finish(revision, list, indexes, errors);
    }

    /// <summary>
    /// Parses rules from key/value entries, one dictionary per rule, keys case-insensitive:
    /// <c>id</c>, <c>metric</c> (required); <c>warn</c>, <c>critical</c> (numbers, at least one);
    /// <c>direction</c> (<c>above</c> default, or <c>below</c>); <c>for</c>, <c>cooldown</c> (durations such as
    /// <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>, or <c>0</c>; default 0); <c>hysteresis</c> (number, default 0).
    /// Unknown keys and present-but-empty values are errors: a typo must not silently drop a level.
    /// </summary>
    public static ThresholdRuleSetResult Parse(long revision, IEnumerable<IReadOnlyDictionary<string, string>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var errors = new List<ThresholdRuleError>();
        CheckRevision(revision, errors);
        var rules = new List<ThresholdRule>();
        var indexes = new List<int>();
        int index = 0;
        foreach (IReadOnlyDictionary<string, string>? entry in entries)
        {
            if (entry is null)
            {
                errors.Add(new ThresholdRuleError(index, null, null, "rule is missing (null)"));
            }
            else if (ParseOne(index, entry, errors) is ThresholdRule rule)
            {
                rules.Add(rule);
                indexes.Add(index);
            }

            index++;
        }

        return Finish(revision, rules, indexes, errors);
    }

    private static ThresholdRule? ParseOne(int index, IReadOnlyDictionary<string, string> entry, List<ThresholdRuleError> errors)
    {
        int before = errors.Count;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var keyProblems = new List<(string Key, string Message)>();
        foreach ((string key, string value) in entry)
        {
            string shown = ThresholdRule.Printable(key);
            if (!ThresholdRule.Keys.All.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                keyProblems.Add((shown, $"unknown key '{shown}' (known: {string.Join(", ", ThresholdRule.Keys.All)})"));
            }
            else if (!values.TryAdd(key, value ?? ""))
            {
                keyProblems.Add((key.ToLowerInvariant(), $"key '{key.ToLowerInvariant()}' is given twice"));
            }
        }

        string? id = values.GetValueOrDefault(ThresholdRule.Keys.Id)?.Trim();
        string? idForErrors = id is not null && id.Length > 0 ? ThresholdRule.Printable(id) : null;
        foreach ((string key, string message) in keyProblems)
        {
            errors.Add(new ThresholdRuleError(index, idForErrors, key, message));
        }

        void Error(string key, string message) => errors.Add(new ThresholdRuleError(index, idForErrors, key, message));

        string? Text(string key, bool required)
        {
            if (!values.TryGetValue(key, out string? raw))
            {
                if (required)
                {
                    Error(key, $"{key} is required");
                }

                return null;
            }

            string trimmed = raw.Trim();
            if (trimmed.Length == 0)
            {
                Error(key, $"{key} is empty; leave the key out instead");
                return null;
            }

            return trimmed;
        }

        double? Number(string key)
        {
            string? text = Text(key, required: false);
            if (text is null)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
            {
                return v;
            }

            Error(key, $"{key} '{ThresholdRule.Printable(text)}' is not a finite number");
            return null;
        }

        TimeSpan Duration(string key)
        {
            string? text = Text(key, required: false);
            if (text is null)
            {
                return TimeSpan.Zero;
            }

            if (DurationText.TryParse(text, out TimeSpan d, out string? problem))
            {
                return d;
            }

            Error(key, $"{key} '{ThresholdRule.Printable(text)}' {problem}");
            return TimeSpan.Zero;
        }

        string? idText = Text(ThresholdRule.Keys.Id, required: true);
        string? metric = Text(ThresholdRule.Keys.Metric, required: true);
        double? warn = Number(ThresholdRule.Keys.Warn);
        double? critical = Number(ThresholdRule.Keys.Critical);
        double hysteresis = Number(ThresholdRule.Keys.Hysteresis) ?? 0;
        TimeSpan forTime = Duration(ThresholdRule.Keys.For);
        TimeSpan cooldown = Duration(ThresholdRule.Keys.Cooldown);

        ThresholdDirection direction = ThresholdDirection.Above;
        if (Text(ThresholdRule.Keys.Direction, required: false) is string dir)
        {
            if (dir.Equals("above", StringComparison.OrdinalIgnoreCase))
            {
                direction = ThresholdDirection.Above;
            }
            else if (dir.Equals("below", StringComparison.OrdinalIgnoreCase))
            {
                direction = ThresholdDirection.Below;
            }
            else
            {
                Error(ThresholdRule.Keys.Direction, $"direction '{ThresholdRule.Printable(dir)}' must be 'above' or 'below'");
            }
        }

        if (errors.Count > before || idText is null || metric is null)
        {
            // Input errors first; rule-level checks on half-parsed values would only add noise.
            return null;
        }

        var rule = new ThresholdRule
        {
            Id = idText,
            Metric = metric,
            Warn = warn,
            Critical = critical,
            Direction = direction,
            For = forTime,
            Hysteresis = hysteresis,
            Cooldown = cooldown,
        };
        foreach ((string key, string message) in rule.ValidateByKey())
        {
            Error(key, message);
        }

        return errors.Count > before ? null : rule;
    }

    private static ThresholdRuleSetResult Finish(long revision, List<ThresholdRule> rules, List<int> indexes, List<ThresholdRuleError> errors)
    {
        var firstIndexById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < rules.Count; i++)
        {
            string id = rules[i].Id;
            if (id is null)
            {
                continue;
            }

            if (firstIndexById.TryGetValue(id, out int first))
            {
                errors.Add(new ThresholdRuleError(indexes[i], ThresholdRule.Printable(id), ThresholdRule.Keys.Id,
                    $"duplicate id '{ThresholdRule.Printable(id)}': already used by rule {first}"));
            }
            else
            {
                firstIndexById.Add(id, indexes[i]);
            }
        }

        return errors.Count > 0
            ? new ThresholdRuleSetResult(null, errors.OrderBy(e => e.Index ?? -1).ToArray()) // stable: keeps key order within a rule
            : new ThresholdRuleSetResult(new ThresholdRuleSet(revision, rules.ToArray()), []);
    }

    private static void CheckRevision(long revision, List<ThresholdRuleError> errors)
    {
        if (revision < 0)
        {
            errors.Add(new ThresholdRuleError(null, null, "revision", $"revision ({revision}) must not be negative"));
        }
    }
}

/// <summary>The outcome of building a <see cref="ThresholdRuleSet"/>: the set, or every error.</summary>
public sealed record ThresholdRuleSetResult(ThresholdRuleSet? RuleSet, IReadOnlyList<ThresholdRuleError> Errors)
{
    public bool Succeeded => RuleSet is not null;
}

/// <summary>
/// One problem in a rule set. <paramref name="Index"/> is the rule's position in the input (null for the set
/// itself), <paramref name="RuleId"/> its id if it has a readable one, <paramref name="Key"/> the offending key.
/// </summary>
public sealed record ThresholdRuleError(int? Index, string? RuleId, string? Key, string Message)
{
    /// <summary>For example: <c>rule 1 (id 'cpu-high'), key 'critical': critical (80) must be above warn (90) for an 'above' rule</c>.</summary>
    public override string ToString()
    {
        string where = Index is int i ? $"rule {i}" : "rule set";
        if (RuleId is not null)
        {
            where += $" (id '{RuleId}')";
        }

        if (Key is not null)
        {
            where += $", key '{Key}'";
        }

        return $"{where}: {Message}";
    }
}

/// <summary>
/// Durations as HOCON writes them: a non-negative number and a unit (<c>500ms</c>, <c>1.5s</c>, <c>5 minutes</c>).
/// A bare number is refused (seconds or milliseconds?) except <c>0</c>.
/// </summary>
internal static partial class DurationText
{
    private static readonly TimeSpan Max = TimeSpan.FromDays(365);

    public static bool TryParse(string text, out TimeSpan value, out string? problem)
    {
        value = TimeSpan.Zero;
        problem = null;
        string t = text.Trim();
        if (t == "0")
        {
            return true;
        }

        // A number ([0-9]+, optionally .[0-9]+), optional white space, a unit in any case. Parsed by
        // hand rather than with a regular expression so the watcher, which validates its rules at
        // start, never loads System.Text.RegularExpressions (README, "Footprint").
        int end = DigitsFrom(t, 0);
        if (end > 0 && end < t.Length && t[end] == '.')
        {
            int fraction = DigitsFrom(t, end + 1);
            end = fraction > end + 1 ? fraction : -1;
        }
        int unitStart = Math.Max(end, 0);
        while (unitStart < t.Length && char.IsWhiteSpace(t[unitStart]))
        {
            unitStart++;
        }
        double? unitSeconds = end <= 0 ? null : t[unitStart..].ToLowerInvariant() switch
        {
            "ms" or "milli" or "millis" or "millisecond" or "milliseconds" => 0.001,
            "s" or "second" or "seconds" => 1,
            "m" or "minute" or "minutes" => 60,
            "h" or "hour" or "hours" => 3600,
            "d" or "day" or "days" => 86400,
            _ => null,
        };
        if (unitSeconds is null)
        {
            problem = double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? "needs a unit (ms, s, m, h or d), e.g. '30s'"
                : "is not a duration (a number and a unit: ms, s, m, h or d, e.g. '30s')";
            return false;
        }

        double amount = double.Parse(t.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture);
        double seconds = amount * unitSeconds.Value;
        if (!(seconds <= Max.TotalSeconds))
        {
            problem = "is longer than a year";
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>The index after the ASCII digits starting at <paramref name="start"/>.</summary>
    private static int DigitsFrom(string text, int start)
    {
        while (start < text.Length && char.IsAsciiDigit(text[start]))
        {
            start++;
        }
        return start;
    }
}
