using System.Text.Json.Nodes;
using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary>
/// <c>keys rotate HOST [--grace 24h]</c> (default: <c>monitor.security.key-grace-period</c>): gives the host a new pre-shared key in the leader's PKI
/// directory; the current key stays valid for the grace period. The key never crosses the network:
/// the result names the bundle file the operator copies to the host (then restarts its watcher).
/// </summary>
public sealed class KeysRotateCommand(AdminContext context) : AdminCommand(context, "keys.rotate", readOnly: false, leaderOnly: true)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var parsed = AdminArguments.Parse(arguments, "keys rotate HOST [--grace 24h]", (1, 1), ["--grace"]);
        var hostId = HostId(parsed, parsed.Positionals[0]);
        var grace = parsed.Duration("--grace") ?? Context.KeyGracePeriod;
        var rotated = await Context.Pki.RotateKeyAsync(hostId, grace, cancellationToken);
        JsonNode result = new JsonObject
        {
            ["host"] = rotated.HostId,
            ["newKeyId"] = rotated.NewKeyId,
            ["retiringKeyId"] = rotated.RetiringKeyId,
            ["retiresAt"] = AdminJson.Time(rotated.RetiresAt),
            ["pskFile"] = rotated.PskFile,
            ["delivery"] = $"the new key is in {rotated.PskFile} on the monitor; copy that file to {hostId}'s identity directory and restart " +
                $"its watcher before {AdminJson.Time(rotated.RetiresAt)}, when key id {rotated.RetiringKeyId} stops being accepted. " +
                "The key is not sent over the network.",
        };
        return new AdminOutput(result, $"new key id {rotated.NewKeyId} for {hostId}; key id {rotated.RetiringKeyId} retires at {AdminJson.Time(rotated.RetiresAt)}");
    }
}

/// <summary>
/// <c>keys revoke HOST [--reason TEXT]</c>: revokes the host's certificates and withdraws its keys,
/// reloads the key ring at once (the next handshake and the next envelope are refused), which closes
/// every live session of the revoked certificates.
/// </summary>
public sealed class KeysRevokeCommand(AdminContext context) : AdminCommand(context, "keys.revoke", readOnly: false, leaderOnly: true)
{
    public override async ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var parsed = AdminArguments.Parse(arguments, "keys revoke HOST [--reason TEXT]", (1, 1), ["--reason"]);
        var hostId = HostId(parsed, parsed.Positionals[0]);
        var reason = parsed.Option("--reason") is { Length: > 0 } text ? AdminArguments.Printable(text) : $"revoked by {caller.Certificate.Name}";
        var leader = Context.RequireLeader();
        // The reload after revoking closes the host's session (see RevocationEnforcer) before this
        // could ask, so whether it was connected is read first.
        var wasConnected = leader.Watchers.ConnectedHosts.Contains(hostId);
        var revoked = await Context.Pki.RevokeHostAsync(hostId, reason, cancellationToken);
        var disconnected = leader.Watchers.Disconnect(hostId) || wasConnected;
        JsonNode result = new JsonObject
        {
            ["host"] = hostId,
            ["revokedCertificates"] = AdminJson.Strings(revoked.RevokedCertificates.Select(certificate => certificate.Serial)),
            ["revokedKeyIds"] = AdminJson.Array(revoked.RevokedKeyIds, keyId => (JsonNode?)keyId),
            ["disconnected"] = disconnected,
        };
        return new AdminOutput(result,
            $"revoked {hostId}: {revoked.RevokedCertificates.Count} certificate(s), key id(s) {string.Join(",", revoked.RevokedKeyIds)}; {(disconnected ? "live connection closed" : "was not connected")}");
    }
}
