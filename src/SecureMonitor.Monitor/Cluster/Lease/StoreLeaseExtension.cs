using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging;
using SecureMonitor.ActorSystems;

namespace SecureMonitor.Monitor.Cluster.Lease;

/// <summary>
/// How <see cref="StoreLease"/>, which Akka constructs by reflection, finds this node's store and edge
/// endpoint; and where the singleton reads the term it runs under. Register it before the cluster starts
/// (before anything asks Akka for the lease).
/// </summary>
/// <remarks>
/// The store has one lease row, so one system may use one store lease name: the singleton's. A second
/// name (for instance the split-brain resolver's <c>lease-majority</c>) would share the row with the
/// singleton and could make the resolver's side lose to the singleton's own lease, so it is refused.
/// </remarks>
public sealed partial class StoreLeaseExtension : IExtension
{
    private readonly object _gate = new();
    private readonly ILogger _log;
    private StoreLeaseTerm? _current;
    private string? _leaseName;

    internal StoreLeaseExtension(StoreLeaseOptions options, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options.Store);
        ArgumentException.ThrowIfNullOrEmpty(options.Endpoint);
        Options = options;
        Incarnation = options.Incarnation ?? BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));
        Loggers = loggers;
        _log = loggers.CreateLogger<StoreLeaseExtension>();
    }

    public StoreLeaseOptions Options { get; }

    /// <summary>This run of the node (see <see cref="StoreLeaseOptions.Incarnation"/>).</summary>
    public long Incarnation { get; }

    internal ILoggerFactory Loggers { get; }

    /// <summary>The term this node holds now, or null when it holds none. Safe on any thread, never blocks.</summary>
    public StoreLeaseTerm? Current => Volatile.Read(ref _current);

    /// <summary>
    /// Raised when this node gains a term (a new epoch) or stops holding one (null: lost or released), on
    /// the thread that noticed, before <see cref="StoreLease.CheckLease"/> callers could see otherwise only
    /// by polling. Renewals update <see cref="Current"/> without raising it. Handlers must not block.
    /// </summary>
    public event Action<StoreLeaseTerm?>? TermChanged;

    /// <summary>Registers the extension for <paramref name="system"/>; a second call returns the first registration.</summary>
    public static StoreLeaseExtension Register(ActorSystem system, StoreLeaseOptions options) =>
        (StoreLeaseExtension)system.RegisterExtension(new StoreLeaseExtensionProvider(options));

    /// <exception cref="ConfigurationException">The node did not register the extension.</exception>
    public static StoreLeaseExtension Get(ActorSystem system) =>
        system.HasExtension<StoreLeaseExtension>()
            ? system.GetExtension<StoreLeaseExtension>()
            : throw new ConfigurationException(
                $"{nameof(StoreLease)} needs {nameof(StoreLeaseExtension)}.{nameof(Register)}(system, options) before the cluster starts");

    /// <summary>Lets the first lease name in; any other is refused (see the remarks).</summary>
    internal void Claim(string leaseName)
    {
        lock (_gate)
        {
            _leaseName ??= leaseName;
            if (_leaseName != leaseName)
            {
                throw new ConfigurationException(
                    $"The store has one lease row, already used by lease '{_leaseName}'; lease '{leaseName}' cannot use it too " +
                    "(give the split-brain resolver keep-majority, or a lease of its own)");
            }
        }
    }

    internal void Publish(StoreLeaseTerm? term)
    {
        var previous = Interlocked.Exchange(ref _current, term);
        if (previous?.Epoch == term?.Epoch)
        {
            return;
        }
        try
        {
            TermChanged?.Invoke(term);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A subscriber's bug must not stop the lease from renewing or stepping down.
            LogSubscriberFailed(_log, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A lease term subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger log, Exception error);
}

/// <summary>Creates <see cref="StoreLeaseExtension"/> with the options the node registered.</summary>
public sealed class StoreLeaseExtensionProvider(StoreLeaseOptions options) : ExtensionIdProvider<StoreLeaseExtension>
{
    public override StoreLeaseExtension CreateExtension(ExtendedActorSystem system) =>
        new(options, ActorLogging.Of(system).Factory);
}
