using SecureMonitor.Transport;

namespace SecureMonitor.Monitor.Admin.Commands;

/// <summary>The common shape of the node's commands: a name, whether it only reads, where it runs.</summary>
public abstract class AdminCommand(AdminContext context, string name, bool readOnly, bool leaderOnly) : IAdminCommand
{
    /// <summary>How long a command waits for an actor of the node before it gives up.</summary>
    internal static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    protected AdminContext Context => context;

    public string Name => name;

    public bool ReadOnly => readOnly;

    public bool LeaderOnly => leaderOnly;

    public virtual bool Forwardable => true;

    public abstract ValueTask<AdminOutput> ExecuteAsync(ConnectionIdentity caller, IReadOnlyList<string> arguments, CancellationToken cancellationToken);

    /// <summary>A host id as the PKI names hosts; anything else is an operator mistake.</summary>
    protected static string HostId(AdminArguments arguments, string text) =>
        Pki.IdentityName.IsValid(text) ? text : throw arguments.Error($"'{AdminArguments.Printable(text)}' is not a host id");
}
