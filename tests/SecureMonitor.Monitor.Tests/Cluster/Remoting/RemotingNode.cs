using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using SecureMonitor.Monitor.Cluster.Remoting;

namespace SecureMonitor.Monitor.Tests.Cluster.Remoting;

/// <summary>
/// An ActorSystem with <c>provider = remote</c> on 127.0.0.1 (random port), our TLS and our serialization,
/// with an "inbox" actor whose messages the test reads from a channel, and its warnings/errors collected.
/// </summary>
internal sealed class RemotingNode : IAsyncDisposable
{
    private readonly Channel<object> _inbox = Channel.CreateUnbounded<object>();
    private readonly Channel<LogEvent> _problems = Channel.CreateUnbounded<LogEvent>();

    public RemotingNode(string name, X509Certificate2 certificate, X509Certificate2 ca, IEnumerable<Type> allowedTypes)
    {
        var config = ConfigurationFactory.ParseString("""
                akka {
                  loglevel = INFO
                  stdout-loglevel = WARNING
                  actor.provider = remote
                  remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                  # A failed outbound handshake runs CoordinatedShutdown (akka.net PR #7839): never kill the test host.
                  coordinated-shutdown.exit-clr = off
                  coordinated-shutdown.run-by-clr-shutdown-hook = off
                }
                """)
            .WithFallback(RemotingTls.Config)
            .WithFallback(MonitorClusterSerialization.Config(allowedTypes, []));
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), RemotingTls.Setup(certificate, ca));
        System = ActorSystem.Create(name, setup);
        var watcher = System.ActorOf(Props.Create(() => new ProblemCollector(_problems.Writer)));
        System.EventStream.Subscribe(watcher, typeof(Warning));
        System.EventStream.Subscribe(watcher, typeof(Error));
        System.ActorOf(Props.Create(() => new Inbox(_inbox.Writer)), "inbox");
        Address = ((ExtendedActorSystem)System).Provider.DefaultAddress;
    }

    public ActorSystem System { get; }

    public Address Address { get; }

    public string InboxPath => Address + "/user/inbox";

    /// <summary>The next message the inbox got, or null after <paramref name="timeout"/>.</summary>
    public async Task<object?> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { return await _inbox.Reader.ReadAsync(cts.Token); }
        catch (OperationCanceledException) { return null; }
    }

    /// <summary>The first warning or error whose text contains <paramref name="fragment"/>, within the timeout.</summary>
    public async Task<LogEvent?> ProblemContainingAsync(string fragment, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var problem = await _problems.Reader.ReadAsync(cts.Token);
                // ToString carries the message and its cause (where the serializer's refusal names the type).
                if (problem.ToString().Contains(fragment, StringComparison.Ordinal)) return problem;
            }
        }
        catch (OperationCanceledException) { return null; }
    }

    public async ValueTask DisposeAsync()
    {
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
    }

    private sealed class Inbox : ReceiveActor
    {
        public Inbox(ChannelWriter<object> writer) => ReceiveAny(message => writer.TryWrite(message));
    }

    private sealed class ProblemCollector : ReceiveActor
    {
        public ProblemCollector(ChannelWriter<LogEvent> writer) => Receive<LogEvent>(e => writer.TryWrite(e));
    }
}
