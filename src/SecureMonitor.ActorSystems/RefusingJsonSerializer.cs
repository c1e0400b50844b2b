using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace SecureMonitor.ActorSystems;

/// <summary>
/// Stands in for Akka's Newtonsoft JSON serializer under its name (<c>json</c>) and id (1), and refuses
/// both ways. Nothing of ours travels as JSON: a watcher serializes nothing (no remoting), and between
/// monitor nodes every type goes through an allow-list serializer. Akka builds every listed serializer at
/// start, so keeping the stock one would load Newtonsoft on every host (about 1.6 MB of a watcher's RSS,
/// measured) and leave a deserializer that instantiates the type a payload names reachable from the
/// cluster port.
/// </summary>
public sealed class RefusingJsonSerializer : Serializer
{
    /// <summary>Akka's id for <c>json</c>, kept so nothing else can claim it.</summary>
    public const int JsonIdentifier = 1;

    // Akka builds serializers by reflection with (system) or (system, config).
    public RefusingJsonSerializer(ExtendedActorSystem system) : base(system) { }

    public RefusingJsonSerializer(ExtendedActorSystem system, Config config) : base(system) { }

    public override int Identifier => JsonIdentifier;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"'{obj?.GetType().FullName}' would be sent as JSON, which this system does not use; bind it to an allow-list serializer.");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException("A JSON-serialized message (serializer id 1) was refused: this system does not accept JSON.");
}
