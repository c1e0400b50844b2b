using SecureMonitor.Actors;
using SecureMonitor.Analysis.Liveness;
using SecureMonitor.Monitor.Persistence;

namespace SecureMonitor.Monitor.Hosts;

/// <summary>
/// Keeps one <see cref="HostActor"/> per watched host, created on first contact or restored from
/// the store's known hosts when the node starts, and routes each stored message to its host.
/// </summary>
public sealed class HostsActor(IReadOnlyList<string> knownHosts, HostLivenessOptions liveness, IActorRef correlator, TimeSpan evaluateEvery)
    : Actor
{
    private readonly Dictionary<string, IActorRef> _hosts = new(StringComparer.Ordinal);

    protected override void PreStart()
    {
        foreach (var host in knownHosts)
        {
            HostFor(host);
        }
    }

    protected override async ValueTask ReceiveAsync(object message)
    {
        switch (message)
        {
            case StoredEvent stored:
                HostFor(stored.HostId).Tell(stored, Self);
                break;
            case GetHostStates:
                var states = new List<HostState>(_hosts.Count);
                foreach (var host in _hosts.Values)
                {
                    states.Add(await host.Ask<HostState>(GetHostStates.Instance, TimeSpan.FromSeconds(5)));
                }
                Sender.Tell(new HostStates([.. states.OrderBy(state => state.HostId, StringComparer.Ordinal)]));
                break;
            case HostLivenessChanged:
                break; // logged by the host; a later issue shows it in the admin console
            default:
                Unhandled(message);
                break;
        }
    }

    private IActorRef HostFor(string hostId)
    {
        if (!_hosts.TryGetValue(hostId, out var host))
        {
            // Host ids are validated by the PKI (lower-case letters, digits, '.', '_', '-'): safe as actor names.
            host = Context.ActorOf(Props.Create(() => new HostActor(hostId, liveness, correlator, evaluateEvery)), "host-" + hostId);
            _hosts[hostId] = host;
        }
        return host;
    }
}
