using Akka.Actor;
using Akka.Configuration;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace SecureMonitor.Monitor.Cluster.Remoting;

/// <summary>
/// Hyperion for messages between monitor nodes, limited to an allow-list of types read from
/// <c>akka.actor.serialization-settings.monitor-hyperion.allowed-types</c> (see
/// <see cref="MonitorClusterSerialization"/>). Refuses on both sides: a node does not send what its peers
/// would refuse, and does not build an object of a type nobody allowed (Hyperion checks every type name
/// in the payload, nested ones included, before it loads it).
/// </summary>
/// <remarks>
/// The filter goes in through the settings constructor because <c>HyperionSerializerSetup.WithTypeFilter</c>
/// is ignored by Akka.Serialization.Hyperion 1.5.75 (measured).
/// </remarks>
public sealed class AllowListHyperionSerializer : HyperionSerializer
{
    private readonly VersionInsensitiveTypeFilter _filter;

    // Akka builds serializers by reflection with (system) or (system, config); both read the same section.
    public AllowListHyperionSerializer(ExtendedActorSystem system) : this(system, FilterFrom(system)) { }

    public AllowListHyperionSerializer(ExtendedActorSystem system, Config config) : this(system, FilterFrom(system)) { }

    private AllowListHyperionSerializer(ExtendedActorSystem system, VersionInsensitiveTypeFilter filter)
        : base(system, SettingsWith(filter)) => _filter = filter;

    public override int Identifier => MonitorClusterSerialization.HyperionIdentifier;

    public override byte[] ToBinary(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        // Exact type, not assignability: a subclass of an allowed type is a different wire contract.
        if (!_filter.IsAllowed(obj.GetType()))
            throw new SerializationException($"Type '{TypeNames.Of(obj.GetType())}' is not on the monitor cluster allow-list; not sent.");
        return base.ToBinary(obj);
    }

    public override object FromBinary(byte[] bytes, Type type)
    {
        var result = base.FromBinary(bytes, type);
        // Hyperion has already checked every name it read; this re-check costs little and guards the top level.
        if (result is not null && !_filter.IsAllowed(result.GetType()))
            throw new SerializationException($"Type '{TypeNames.Of(result.GetType())}' is not on the monitor cluster allow-list; refused.");
        return result!;
    }

    private static VersionInsensitiveTypeFilter FilterFrom(ExtendedActorSystem system)
    {
        var section = system.Settings.Config.GetConfig(MonitorClusterSerialization.HyperionSettingsPath);
        var names = section?.GetStringList("allowed-types", []) ?? [];
        return new VersionInsensitiveTypeFilter(names);
    }

    private static HyperionSerializerSettings SettingsWith(VersionInsensitiveTypeFilter filter)
    {
        var defaults = HyperionSerializerSettings.Default;
        return new HyperionSerializerSettings(
            preserveObjectReferences: defaults.PreserveObjectReferences,
            versionTolerance: defaults.VersionTolerance,
            knownTypesProvider: defaults.KnownTypesProvider,
            packageNameOverrides: defaults.PackageNameOverrides,
            surrogates: defaults.Surrogates,
            // The filter is consulted only while unsafe types are disallowed; both stay on.
            disallowUnsafeType: true,
            typeFilter: filter);
    }
}
