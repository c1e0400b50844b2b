using System.Globalization;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Storage;
using WireRule = SecureMonitor.Protocol.Wire.ThresholdRule;
using WireUpdate = SecureMonitor.Protocol.Wire.ThresholdUpdate;

namespace SecureMonitor.Monitor.Thresholds;

/// <summary>
/// The threshold rules the monitor wants each host to run, in three layers: the baseline
/// (<c>monitor.thresholds.baseline</c>, the rules the watchers ship with), the settings for all hosts,
/// and the host's own settings; a later layer wins per metric and key. Pure and immutable.
/// </summary>
/// <remarks>
/// A pushed rule set replaces the watcher's configured rules as a whole, so the baseline must hold
/// every rule the watchers should keep: a metric that appears in no layer is not watched. Nothing
/// is pushed to a host until some setting covers it (revision 0). Revisions grow across every
/// change, so a host's revision, the newest of its two layers, grows whenever its rules change.
/// </remarks>
public sealed class ThresholdPlan
{
    private readonly IReadOnlyList<IReadOnlyDictionary<string, string>> _baseline;
    private readonly Dictionary<string, ThresholdSettingsRecord> _scopes;

    public ThresholdPlan(IReadOnlyList<IReadOnlyDictionary<string, string>> baseline, IEnumerable<ThresholdSettingsRecord> scopes)
    {
        _baseline = baseline;
        _scopes = scopes.ToDictionary(scope => scope.Scope, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<ThresholdSettingsRecord> Scopes => _scopes.Values;

    /// <summary>The newest revision of any scope (0 when nothing was ever set).</summary>
    public long LatestRevision => _scopes.Count == 0 ? 0 : _scopes.Values.Max(scope => scope.Revision);

    public ThresholdSettingsRecord? ScopeOf(string scope) => _scopes.GetValueOrDefault(scope);

    /// <summary>The revision a host runs under: the newer of the all-hosts and the host's settings; 0 when neither exists.</summary>
    public long RevisionFor(string? hostId) => Math.Max(
        ScopeOf(ThresholdSettingsRecord.AllHosts)?.Revision ?? 0,
        hostId is null ? 0 : ScopeOf(hostId)?.Revision ?? 0);

    /// <summary>This plan with one scope's settings replaced.</summary>
    public ThresholdPlan With(ThresholdSettingsRecord scope) =>
        new(_baseline, [.. _scopes.Values.Where(existing => existing.Scope != scope.Scope), scope]);

    /// <summary>A scope's settings after <paramref name="changes"/>: a change replaces the setting of the
    /// same metric and key; <c>default</c> removes it.</summary>
    public static IReadOnlyList<string> Merge(IReadOnlyList<string> existing, IEnumerable<ThresholdSetting> changes)
    {
        var settings = existing.Select(Parse).ToList();
        foreach (var change in changes)
        {
            settings.RemoveAll(setting => setting.Metric == change.Metric && setting.Key == change.Key);
            if (!change.RestoresDefault)
            {
                settings.Add(change);
            }
        }
        return [.. settings.Select(setting => setting.ToString())];
    }

    /// <summary>The rules for <paramref name="hostId"/> (null: a host with no settings of its own),
    /// validated, under <see cref="RevisionFor"/>.</summary>
    public ThresholdRuleSetResult RulesFor(string? hostId)
    {
        var rules = _baseline.Select(rule => new Dictionary<string, string>(rule, StringComparer.OrdinalIgnoreCase)).ToList();
        Apply(rules, ScopeOf(ThresholdSettingsRecord.AllHosts));
        if (hostId is not null)
        {
            Apply(rules, ScopeOf(hostId));
        }
        // A rule left without both levels watches nothing: the operator switched it off.
        rules.RemoveAll(rule => !rule.ContainsKey("warn") && !rule.ContainsKey("critical"));
        return ThresholdRuleSet.Parse(RevisionFor(hostId), rules);
    }

    /// <summary>The rule set as the watcher receives it.</summary>
    public static WireUpdate ToUpdate(ThresholdRuleSet rules)
    {
        var update = new WireUpdate { Revision = (ulong)rules.Revision };
        foreach (var rule in rules.Rules)
        {
            var wire = new WireRule
            {
                Id = rule.Id,
                Metric = rule.Metric,
                ForMs = (long)rule.For.TotalMilliseconds,
                Hysteresis = rule.Hysteresis,
                CooldownMs = (long)rule.Cooldown.TotalMilliseconds,
                Above = rule.Direction == ThresholdDirection.Above,
            };
            if (rule.Warn is { } warn)
            {
                wire.Warn = warn;
            }
            if (rule.Critical is { } critical)
            {
                wire.Critical = critical;
            }
            update.Rules.Add(wire);
        }
        return update;
    }

    private static void Apply(List<Dictionary<string, string>> rules, ThresholdSettingsRecord? scope)
    {
        foreach (var setting in (scope?.Settings ?? []).Select(Parse))
        {
            var matching = rules.Where(rule => rule.GetValueOrDefault("metric") == setting.Metric).ToList();
            if (matching.Count == 0)
            {
                var created = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                {
                    ["id"] = NewId(rules, setting.Metric),
                    ["metric"] = setting.Metric,
                };
                rules.Add(created);
                matching.Add(created);
            }
            foreach (var rule in matching)
            {
                if (setting.Value == ThresholdSetting.None)
                {
                    rule.Remove(setting.Key);
                }
                else
                {
                    rule[setting.Key] = setting.Value;
                }
            }
        }
    }

    /// <summary>A rule id for a metric that had none: the metric's name made a valid id, unique.</summary>
    private static string NewId(List<Dictionary<string, string>> rules, string metric)
    {
        var chars = metric.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray();
        var id = new string(chars).TrimStart('.', '_', '-');
        id = id.Length == 0 ? "rule" : id[..Math.Min(id.Length, 56)];
        var candidate = id;
        for (var suffix = 2; rules.Any(rule => rule.GetValueOrDefault("id") == candidate); suffix++)
        {
            candidate = id + "-" + suffix.ToString(CultureInfo.InvariantCulture);
        }
        return candidate;
    }

    private static ThresholdSetting Parse(string stored) =>
        ThresholdSetting.TryParse(stored, out var setting, out var error)
            ? setting
            : throw new InvalidOperationException($"A stored threshold setting no longer parses: {error}");
}
