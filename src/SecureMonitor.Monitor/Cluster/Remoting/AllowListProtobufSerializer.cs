using System.Collections.Frozen;
using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using System.Runtime.Serialization;
using Akka.Serialization;
using Google.Protobuf;

namespace SecureMonitor.Monitor.Cluster.Remoting;

/// <summary>
/// Protocol Buffers messages between monitor nodes, under a fixed manifest → parser map. Registered in
/// place of Akka.Remote's <c>proto</c> serializer (identifier 2), whose manifest is a CLR type name that
/// Akka loads before the serializer can check it: here the manifest is the message's protobuf full name
/// and only names in the map are parsed; nothing is looked up from the wire.
/// </summary>
public sealed class AllowListProtobufSerializer : SerializerWithStringManifest
{
    private readonly FrozenDictionary<string, MessageParser> _parsers;
    private readonly FrozenDictionary<Type, string> _manifests;

    // Akka builds serializers by reflection with (system) or (system, config); both read the same section.
    public AllowListProtobufSerializer(ExtendedActorSystem system, Config config) : this(system) { }

    public AllowListProtobufSerializer(ExtendedActorSystem system) : base(system)
    {
        // The list comes from our own configuration at start-up; an unusable entry is a programming error.
        var section = ConfigFrom(system);
        var types = (section?.GetStringList("allowed-messages", []) ?? []).Select(Resolve).ToList();
        _parsers = types.ToFrozenDictionary(t => t.Descriptor.FullName, t => t.Parser, StringComparer.Ordinal);
        _manifests = types.ToFrozenDictionary(t => t.Type, t => t.Descriptor.FullName);
    }

    public override int Identifier => MonitorClusterSerialization.ProtobufIdentifier;

    public IReadOnlyCollection<string> Manifests => _parsers.Keys;

    public override string Manifest(object o) =>
        _manifests.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"Protobuf type '{o.GetType().FullName}' is not on the monitor cluster allow-list; not sent.");

    public override byte[] ToBinary(object obj)
    {
        _ = Manifest(obj);
        return ((IMessage)obj).ToByteArray();
    }

    public override object FromBinary(byte[] bytes, string manifest) =>
        _parsers.TryGetValue(manifest, out var parser)
            ? parser.ParseFrom(bytes)
            : throw new SerializationException($"Protobuf manifest '{Printable(manifest)}' is not on the monitor cluster allow-list; refused.");

    private static Config? ConfigFrom(ExtendedActorSystem system) =>
        system.Settings.Config.GetConfig(MonitorClusterSerialization.ProtobufSettingsPath);

    private static (Type Type, Google.Protobuf.Reflection.MessageDescriptor Descriptor, MessageParser Parser) Resolve(string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: true)!;
        if (!typeof(IMessage).IsAssignableFrom(type))
            throw new ConfigurationException($"'{typeName}' is not a Google.Protobuf message.");
        var descriptor = type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            as Google.Protobuf.Reflection.MessageDescriptor;
        var parser = type.GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageParser;
        if (descriptor is null || parser is null)
            throw new ConfigurationException($"'{typeName}' has no static Descriptor and Parser (not protoc-generated?).");
        return (type, descriptor, parser);
    }

    // A manifest is attacker-chosen text headed for a log line: keep it short and printable.
    private static string Printable(string manifest)
    {
        var cut = manifest.Length > 120 ? manifest[..120] + "…" : manifest;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
