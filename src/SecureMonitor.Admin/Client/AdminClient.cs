using System.Runtime.CompilerServices;
using SecureMonitor.Pki;
using SecureMonitor.Protocol.Wire;
using SecureMonitor.Transport;
using SecureMonitor.Transport.Client;

namespace SecureMonitor.Admin.Client;

/// <summary>
/// The console's link to the monitor cluster: a connection to the first reachable node of the list
/// (reads are answered there), and, when that node is a follower and refuses a change with "not
/// leader; the leader is X", a second connection to X, where the command is sent again. The caller
/// learns of the detour (<see cref="AdminResult.Redirect"/>) so the operator is told.
/// </summary>
public sealed class AdminClient(AdminClientOptions options, IdentityBundle identity, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly SecureClientOptions _tls = new()
    {
        Identity = identity,
        ConnectTimeout = options.Timeout,
        FrameLimits = new FrameLimits(options.MaxFrameBytes),
        Time = time ?? TimeProvider.System,
    };
    private AdminConnection? _home;
    private AdminConnection? _leader;

    public IdentityBundle Identity => identity;

    /// <summary>Connects to the first node of the list that answers (again, if the connection was lost).</summary>
    /// <exception cref="AdminUnreachableException">No node could be reached.</exception>
    public async Task<AdminConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_home is { IsClosed: false } home)
        {
            return home;
        }
        if (_home is not null)
        {
            await _home.DisposeAsync();
            _home = null;
        }
        var failures = new List<string>();
        foreach (var endpoint in options.Monitors)
        {
            try
            {
                return _home = await AdminConnection.ConnectAsync(endpoint, _tls, options.Timeout, cancellationToken);
            }
            catch (TransportException error)
            {
                failures.Add(error.Message);
            }
        }
        throw new AdminUnreachableException("no monitor reachable: " + string.Join("; ", failures));
    }

    /// <summary>Runs one command, following a follower's redirect to the leader once.</summary>
    public async Task<AdminResult> RunAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var home = await ConnectAsync(cancellationToken);
        var reply = await home.RequestAsync(command, arguments, cancellationToken);
        if (await LeaderForAsync(home, reply, cancellationToken) is not { } leader)
        {
            return new AdminResult(reply, null);
        }
        return new AdminResult(await leader.RequestAsync(command, arguments, cancellationToken), Redirect(home, leader, reply));
    }

    /// <summary>Runs a streaming command (following a redirect, as <see cref="RunAsync"/>) until
    /// <paramref name="stop"/> is cancelled and the monitor has sent its closing summary.</summary>
    public async IAsyncEnumerable<AdminResult> StreamAsync(string command, IReadOnlyList<string> arguments, CancellationToken stop,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var home = await ConnectAsync(cancellationToken);
        var target = home;
        AdminRedirect? redirect = null;
        await foreach (var reply in home.StreamAsync(command, arguments, stop, cancellationToken))
        {
            if (!reply.More && await LeaderForAsync(home, reply, cancellationToken) is { } leader)
            {
                target = leader;
                redirect = Redirect(home, leader, reply);
                break;
            }
            yield return new AdminResult(reply, null);
        }
        if (target == home)
        {
            yield break;
        }
        await foreach (var reply in target.StreamAsync(command, arguments, stop, cancellationToken))
        {
            yield return new AdminResult(reply, redirect);
        }
    }

    private async Task<AdminConnection?> LeaderForAsync(AdminConnection home, AdminReply reply, CancellationToken cancellationToken)
    {
        if (!reply.IsNotLeader || reply.LeaderEndpoints.Count == 0)
        {
            return null;
        }
        foreach (var text in reply.LeaderEndpoints)
        {
            if (!MonitorEndpoint.TryParse(text, out var endpoint, out _) || endpoint == home.Endpoint)
            {
                continue; // one hop only: a node that names itself as leader is not followed
            }
            if (_leader is { IsClosed: false } known && known.Endpoint == endpoint)
            {
                return known;
            }
            if (_leader is not null)
            {
                await _leader.DisposeAsync();
                _leader = null;
            }
            try
            {
                return _leader = await AdminConnection.ConnectAsync(endpoint, _tls, options.Timeout, cancellationToken);
            }
            catch (TransportException error)
            {
                throw new AdminUnreachableException($"{home.Endpoint} is a follower and the leader at {endpoint} is unreachable: {error.Message}", error);
            }
        }
        return null;
    }

    private static AdminRedirect Redirect(AdminConnection home, AdminConnection leader, AdminReply refusal) =>
        new(home.Endpoint, leader.Endpoint, refusal.LeaderNode, refusal.Error);

    public async ValueTask DisposeAsync()
    {
        if (_leader is not null)
        {
            await _leader.DisposeAsync();
        }
        if (_home is not null)
        {
            await _home.DisposeAsync();
        }
    }
}

/// <summary>An answer, and whether it came from the leader after the first node redirected the command.</summary>
public sealed record AdminResult(AdminReply Reply, AdminRedirect? Redirect);

/// <summary>The command went to <paramref name="From"/>, a follower, and ran on the leader at <paramref name="To"/>.</summary>
public sealed record AdminRedirect(MonitorEndpoint From, MonitorEndpoint To, string LeaderNode, string Reason);
