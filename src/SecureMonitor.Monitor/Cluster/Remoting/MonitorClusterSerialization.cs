using System.Text;
using Akka.Configuration;
using Google.Protobuf;

namespace SecureMonitor.Monitor.Cluster.Remoting;

/// <summary>
/// Which of our types may cross Akka.Remote between monitor nodes, and the Akka configuration that
/// enforces it. The cluster code registers its message types here (<see cref="Allow{T}"/>) before it
/// builds the ActorSystem's config with <see cref="Config()"/>; each node enforces the list its config holds.
/// </summary>
/// <remarks>
/// Akka's own messages (membership, gossip, singleton hand-over, Identify) keep Akka's serializers; only
/// ours are routed here. Everything not bound elsewhere (<c>System.Object</c>) goes to the Hyperion
/// allow-list serializer instead of Akka's default JSON serializer, so an unregistered type fails on send
/// with a clear message rather than travelling as JSON with type names.
/// </remarks>
public static class MonitorClusterSerialization
{
    /// <summary>Our Hyperion serializer's id; Akka reserves 0-40 and Hyperion's own is -5.</summary>
    public const int HyperionIdentifier = 1501;

    /// <summary>The id of Akka.Remote's <c>proto</c> serializer, which ours replaces so the old path is closed.</summary>
    public const int ProtobufIdentifier = 2;

    public const string HyperionSerializerName = "monitor-hyperion";
    public const string HyperionSettingsPath = "akka.actor.serialization-settings." + HyperionSerializerName;
    public const string ProtobufSettingsPath = "akka.actor.serialization-settings.proto";

    private static readonly Lock s_gate = new();
    private static readonly List<Type> s_allowedTypes = [];
    private static readonly List<Type> s_allowedProtobufMessages = [];

    /// <summary>Types (records, and every non-primitive type inside them) that Hyperion may carry.</summary>
    public static IReadOnlyList<Type> AllowedTypes { get { lock (s_gate) return s_allowedTypes.ToList(); } }

    /// <summary>Protoc-generated messages that may travel by protobuf.</summary>
    public static IReadOnlyList<Type> AllowedProtobufMessages { get { lock (s_gate) return s_allowedProtobufMessages.ToList(); } }

    /// <summary>Registers a type for Hyperion; a protobuf message goes to the protobuf list instead.</summary>
    public static void Allow<T>() => Allow(typeof(T));

    public static void Allow(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.IsGenericTypeDefinition)
            throw new ArgumentException("Register a closed generic type, e.g. List<Foo>, not List<>.", nameof(type));
        lock (s_gate)
        {
            var list = typeof(IMessage).IsAssignableFrom(type) ? s_allowedProtobufMessages : s_allowedTypes;
            if (!list.Contains(type)) list.Add(type);
        }
    }

    /// <summary>The fragment for the types registered so far.</summary>
    public static Config Config() => Config(AllowedTypes, AllowedProtobufMessages);

    /// <summary>
    /// The fragment for explicit lists (tests give each node its own). Falls back to nothing: merge it
    /// with <c>WithFallback</c> over the node's Akka config.
    /// </summary>
    public static Config Config(IEnumerable<Type> hyperionTypes, IEnumerable<Type> protobufMessages) =>
        ConfigurationFactory.ParseString(Hocon(hyperionTypes, protobufMessages));

    /// <summary>The HOCON text of <see cref="Config(IEnumerable{Type}, IEnumerable{Type})"/>, for logs and tests.</summary>
    public static string Hocon(IEnumerable<Type> hyperionTypes, IEnumerable<Type> protobufMessages)
    {
        var hyperion = TypeNames.Of(typeof(AllowListHyperionSerializer));
        var protobuf = TypeNames.Of(typeof(AllowListProtobufSerializer));
        var text = new StringBuilder();
        text.AppendLine("akka.actor {");
        text.AppendLine("  serializers {");
        text.AppendLine($"    {HyperionSerializerName} = {Quote(hyperion)}");
        // Replaces Akka.Remote's ProtobufSerializer under the same name and id: see AllowListProtobufSerializer.
        text.AppendLine($"    proto = {Quote(protobuf)}");
        text.AppendLine("  }");
        text.AppendLine("  serialization-bindings {");
        text.AppendLine($"    \"System.Object\" = {HyperionSerializerName}");
        text.AppendLine("    \"Google.Protobuf.IMessage, Google.Protobuf\" = proto");
        foreach (var type in hyperionTypes.Where(t => !typeof(IMessage).IsAssignableFrom(t)))
            text.AppendLine($"    {Quote(TypeNames.Of(type))} = {HyperionSerializerName}");
        text.AppendLine("  }");
        text.AppendLine("  serialization-identifiers {");
        text.AppendLine($"    {Quote(hyperion)} = {HyperionIdentifier}");
        text.AppendLine($"    {Quote(protobuf)} = {ProtobufIdentifier}");
        text.AppendLine("  }");
        text.AppendLine("  serialization-settings {");
        text.AppendLine($"    {HyperionSerializerName}.allowed-types = [{string.Join(", ", hyperionTypes.Select(t => Quote(TypeNames.Of(t))))}]");
        text.AppendLine($"    proto.allowed-messages = [{string.Join(", ", protobufMessages.Select(t => Quote(TypeNames.Of(t))))}]");
        text.AppendLine("  }");
        text.AppendLine("}");
        return text.ToString();
    }

    // Type names contain commas, dots and backticks: always a quoted HOCON string.
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
