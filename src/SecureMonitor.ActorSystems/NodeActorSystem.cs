using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SecureMonitor.ActorSystems;

/// <summary>Makes a node's ActorSystem: Akka's settings from the node's HOCON (see <see cref="AkkaConfig"/>),
/// its log into the node's logger factory.</summary>
public static class NodeActorSystem
{
    /// <param name="configuration">The node's configuration; its <c>akka</c> section, or the shipped one when it has none.</param>
    /// <param name="overrides">Settings that win over the configuration (tests: a virtual-time scheduler).</param>
    /// <param name="shipped">The shipped files that stand in when the configuration has no <c>akka</c> section.</param>
    /// <param name="setups">Settings made in code (remoting's TLS certificate).</param>
    public static ActorSystem Create(string name, IConfiguration? configuration, ILoggerFactory loggers, Config? overrides = null,
        string[]? shipped = null, params Setup[] setups)
    {
        var config = AkkaConfig.From(configuration, shipped ?? []);
        if (overrides is not null)
        {
            config = overrides.WithFallback(config);
        }
        // The extension must exist before the logger actor starts, so it is registered by the setup.
        ActorSystemSetup setup = BootstrapSetup.Create().WithConfig(config).And(new ActorLoggingSetup(loggers));
        foreach (var extra in setups)
        {
            setup = setup.And(extra);
        }
        return ActorSystem.Create(name, setup);
    }
}
