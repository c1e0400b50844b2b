using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using SecureMonitor.Monitor.Cluster.Remoting;

namespace SecureMonitor.Monitor.Tests.Cluster.Remoting;

/// <summary>The serializers as Akka resolves them from the fragment, in one local ActorSystem (no network).</summary>
public sealed class MonitorClusterSerializationTests : IAsyncLifetime
{
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        var config = ConfigurationFactory.ParseString("akka.actor.provider = remote\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }")
            .WithFallback(MonitorClusterSerialization.Config([typeof(AllowedPing)], [typeof(Ack)]));
        _system = ActorSystem.Create("serialization", config);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.Terminate().WaitAsync(TimeSpan.FromSeconds(20));

    [Fact]
    public void Our_records_and_unbound_types_go_to_the_allow_list_hyperion_serializer()
    {
        var serializer = _system.Serialization.FindSerializerFor(new AllowedPing(1, "x"));
        Assert.IsType<AllowListHyperionSerializer>(serializer);
        var back = serializer.FromBinary(serializer.ToBinary(new AllowedPing(1, "x")), typeof(AllowedPing));
        Assert.Equal(new AllowedPing(1, "x"), back);

        // Not registered: Akka's JSON default is no longer reached, and our serializer will not send it.
        var other = _system.Serialization.FindSerializerFor(new NotAllowedPing("no"));
        Assert.IsType<AllowListHyperionSerializer>(other);
        Assert.Throws<SerializationException>(() => other.ToBinary(new NotAllowedPing("no")));
    }

    [Fact]
    public void Protobuf_uses_a_fixed_manifest_map_under_id_2()
    {
        var ack = new Ack { Sequence = 7, HighWaterMark = 6 };
        var serializer = Assert.IsType<AllowListProtobufSerializer>(_system.Serialization.FindSerializerFor(ack));
        Assert.Equal(2, serializer.Identifier);
        Assert.Equal("securemonitor.v1.Ack", serializer.Manifest(ack));
        Assert.Equal(ack, _system.Serialization.Deserialize(serializer.ToBinary(ack), 2, "securemonitor.v1.Ack"));

        // A manifest naming a CLR type (what Akka's own id-2 serializer would load) is refused before any lookup.
        Assert.ThrowsAny<SerializationException>(() =>
            _system.Serialization.Deserialize([], 2, "System.Diagnostics.Process, System.Diagnostics.Process"));
        Assert.Throws<SerializationException>(() => serializer.ToBinary(new ClientHello { HostId = "h" }));
    }
}
