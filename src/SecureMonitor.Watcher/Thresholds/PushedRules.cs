using Google.Protobuf;
using SecureMonitor.Analysis.Thresholds;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Pki;

namespace SecureMonitor.Watcher.Thresholds;

/// <summary>
/// The rule set the monitor last pushed, kept in the data directory so it stays in force across
/// restarts (it overrides the configured rules until the monitor pushes another). Stored as the
/// Protocol Buffers message it arrived as, written atomically.
/// </summary>
public sealed class PushedRules(string dataDirectory)
{
    private string FilePath => Path.Combine(dataDirectory, "thresholds.pb");

    /// <summary>The stored rule set, or null when there is none or it no longer validates.</summary>
    public ThresholdRuleSet? Load()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }
        try
        {
            var update = ThresholdUpdate.Parser.ParseFrom(File.ReadAllBytes(FilePath));
            var parsed = ThresholdRuleSet.Create((long)update.Revision, update.Rules.Select(ToRule));
            return parsed.Succeeded ? parsed.RuleSet : null;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    public void Save(ThresholdUpdate update)
    {
        PrivateFiles.CreateDirectory(dataDirectory);
        var temporary = FilePath + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            PrivateFiles.Restrict(file.SafeFileHandle);
            update.WriteTo(file);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, FilePath, overwrite: true);
    }

    public static Analysis.Thresholds.ThresholdRule ToRule(Protocol.Wire.ThresholdRule rule) => new()
    {
        Id = rule.Id,
        Metric = rule.Metric,
        Warn = rule.HasWarn ? rule.Warn : null,
        Critical = rule.HasCritical ? rule.Critical : null,
        Direction = rule.Above ? ThresholdDirection.Above : ThresholdDirection.Below,
        For = TimeSpan.FromMilliseconds(rule.ForMs),
        Hysteresis = rule.Hysteresis,
        Cooldown = TimeSpan.FromMilliseconds(rule.CooldownMs),
    };
}
