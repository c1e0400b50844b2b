using System.Runtime.Serialization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SecureMonitor.ActorSystems;

namespace SecureMonitor.Monitor.Tests.Cluster.Remoting;

/// <summary>Every node's ActorSystem, as built from hocon/common/akka.conf, has no working JSON serializer.</summary>
public sealed class RefusingJsonSerializerTests
{
    [Fact]
    public async Task Akka_json_id_1_refuses_a_payload_that_names_a_type_and_refuses_to_send()
    {
        var system = NodeActorSystem.Create("json-refused", null, NullLoggerFactory.Instance);
        try
        {
            // Akka binds System.Object to "json": the fallback of a local system is the refusing one.
            var json = Assert.IsType<RefusingJsonSerializer>(system.Serialization.FindSerializerForType(typeof(object)));
            Assert.Equal(RefusingJsonSerializer.JsonIdentifier, json.Identifier);
            // What Newtonsoft with type names would turn into a live object.
            var payload = Encoding.UTF8.GetBytes("""{"$type":"System.IO.FileInfo, System.IO.FileSystem","fileName":"/etc/passwd"}""");
            Assert.Throws<SerializationException>(() =>
                system.Serialization.Deserialize(payload, RefusingJsonSerializer.JsonIdentifier, "System.IO.FileInfo, System.IO.FileSystem"));
            Assert.Throws<SerializationException>(() => system.Serialization.Serialize(new object()));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
