using System.Text;
using System.Text.Json;
using Akka.Configuration;
using Microsoft.Extensions.Configuration;
using SecureMonitor.Configuration;

namespace SecureMonitor.ActorSystems;

/// <summary>
/// Akka's settings as a <see cref="Config"/>, built from the <c>akka</c> section our HOCON parser
/// already read and resolved (includes, <c>${?ENV}</c> overrides, file:line:column errors). Akka is
/// handed plain JSON of string values, so its own HOCON parser never sees our files: it has no
/// environment substitution, ignores <c>+=</c> and overflows the stack on a self-reference.
/// </summary>
public static class AkkaConfig
{
    private const string Section = "akka";

    /// <summary>The shared settings of every role (hocon/common/akka.conf).</summary>
    public const string Common = "akka.conf";

    /// <summary>The monitor cluster's settings (hocon/common/akka-cluster.conf).</summary>
    public const string Cluster = "akka-cluster.conf";

    /// <summary>The <c>akka</c> section of <paramref name="configuration"/>; when it has none (options
    /// built in code), the shipped files named (from hocon/common/, later ones over earlier ones).</summary>
    public static Config From(IConfiguration? configuration, params string[] shipped)
    {
        var section = configuration?.GetSection(Section);
        if (section is null || !section.GetChildren().Any())
        {
            section = Shipped(shipped.Length == 0 ? [Common] : shipped).GetSection(Section);
        }
        return ConfigurationFactory.ParseString(ToJson(section));
    }

    /// <summary>Shipped files as built into this assembly, read by our parser. The embedded copies see no
    /// environment: the CLI reads the shipped files themselves, with their overrides.</summary>
    private static IConfigurationRoot Shipped(string[] files)
    {
        var builder = new ConfigurationBuilder();
        foreach (var file in files)
        {
            using var stream = typeof(AkkaConfig).Assembly.GetManifestResourceStream(file)
                ?? throw new InvalidOperationException($"hocon/common/{file} is not embedded in SecureMonitor.ActorSystems");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            builder.AddHoconString(reader.ReadToEnd(), $"hocon/common/{file}", static _ => null);
        }
        return builder.Build();
    }

    /// <summary>JSON of <paramref name="section"/> wrapped in its path; a child list keyed 0..n-1 is an array
    /// (that is how the configuration keys arrays).</summary>
    internal static string ToJson(IConfigurationSection section)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(section.Key);
            WriteNode(writer, section);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteNode(Utf8JsonWriter writer, IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            writer.WriteStringValue(section.Value ?? "");
            return;
        }
        if (IsArray(children))
        {
            writer.WriteStartArray();
            foreach (var child in children.OrderBy(child => int.Parse(child.Key, System.Globalization.CultureInfo.InvariantCulture)))
            {
                WriteNode(writer, child);
            }
            writer.WriteEndArray();
            return;
        }
        writer.WriteStartObject();
        foreach (var child in children)
        {
            writer.WritePropertyName(child.Key);
            WriteNode(writer, child);
        }
        writer.WriteEndObject();
    }

    private static bool IsArray(List<IConfigurationSection> children)
    {
        var indexes = new HashSet<int>();
        foreach (var child in children)
        {
            if (!int.TryParse(child.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                return false;
            }
            indexes.Add(index);
        }
        return Enumerable.Range(0, children.Count).All(indexes.Contains);
    }
}
