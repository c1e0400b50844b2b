using SecureMonitor.Actors;
using SecureMonitor.Analysis.Liveness;

namespace SecureMonitor.Monitor.Hosts;

/// <summary>
/// Keeps one <see cref="HostActor"/> per watched host, created on first contact or restored from
/// the store's known hosts when the node starts, and routes each host's part of every batch of stored messages to it.
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
            case StoredBatch batch:
                await RouteAsync(batch);
                break;
            case HostSeen seen:
                HostFor(seen.HostId).Tell(seen, Self);
                break;
            case GetHostStates:
                // Answered from a task of its own, the hosts asked all at once: routing of stored
                // messages goes on meanwhile, and a host busy waiting for the correlator is only left out.
                _ = ReplyWithStatesAsync([.. _hosts.Values], Sender);
                break;
            case HostLivenessChanged:
                break; // logged by the host; a later issue shows it in the admin console
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Longest a host may take to say how it is before the answer goes without it.</summary>
    private static readonly TimeSpan HostAnswerTimeout = TimeSpan.FromSeconds(3);

    private static async Task ReplyWithStatesAsync(IActorRef[] hosts, IActorRef replyTo)
    {
        var answers = await Task.WhenAll(hosts.Select(async host =>
        {
            try
            {
                return await host.Ask<HostState>(GetHostStates.Instance, HostAnswerTimeout);
            }
            catch (AskTimeoutException)
            {
                return null;
            }
        }));
        replyTo.Tell(new HostStates([.. answers.OfType<HostState>().OrderBy(state => state.HostId, StringComparer.Ordinal)]));
    }

    /// <summary>One message per host present in the batch, its events in commit order. Stored alerts
    /// wait for room in a busy host's mailbox (which slows the writer) rather than being dropped.</summary>
    private async ValueTask RouteAsync(StoredBatch batch)
    {
        var events = batch.Events;
        if (events.Count > 0 && events.All(stored => string.Equals(stored.HostId, events[0].HostId, StringComparison.Ordinal)))
        {
            await HostFor(events[0].HostId).SendAsync(batch, Self);
            return;
        }
        foreach (var group in events.GroupBy(stored => stored.HostId, StringComparer.Ordinal))
        {
            await HostFor(group.Key).SendAsync(new StoredBatch([.. group]), Self);
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
