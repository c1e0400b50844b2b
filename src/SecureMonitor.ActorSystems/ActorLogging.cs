using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Actor.Setup;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SecureMonitor.ActorSystems;

/// <summary>
/// The node's <see cref="ILoggerFactory"/>, kept with its ActorSystem, so actors log through the same
/// structured logger (and <c>[LoggerMessage]</c> methods) as the rest of the node.
/// </summary>
public sealed class ActorLogging : IExtension
{
    private readonly ConcurrentDictionary<Type, ILogger> _loggers = new();

    internal ActorLogging(ILoggerFactory factory) => Factory = factory;

    public ILoggerFactory Factory { get; }

    /// <summary>The logger of an actor type (its category is the type's full name).</summary>
    public ILogger For(Type actorType) => _loggers.GetOrAdd(actorType, static (type, factory) => factory.CreateLogger(type), Factory);

    /// <summary>The extension of <paramref name="system"/>; a system made without <see cref="ActorLoggingSetup"/> logs nowhere.</summary>
    public static ActorLogging Of(ActorSystem system) => system.WithExtension<ActorLogging, ActorLoggingProvider>();
}

/// <summary>Hands the node's logger factory to <see cref="ActorLogging"/> as the system starts (before Akka's
/// own logger actor asks for it).</summary>
public sealed class ActorLoggingSetup(ILoggerFactory factory) : Setup
{
    public ILoggerFactory Factory { get; } = factory;
}

public sealed class ActorLoggingProvider : ExtensionIdProvider<ActorLogging>
{
    public override ActorLogging CreateExtension(ExtendedActorSystem system)
    {
        var setup = system.Settings.Setup.Get<ActorLoggingSetup>();
        return new ActorLogging(setup.HasValue ? setup.Value.Factory : NullLoggerFactory.Instance);
    }
}

public static class ActorLoggingExtensions
{
    /// <summary>A logger whose category is the current actor's type.</summary>
    public static ILogger Logger(this IActorContext context) => ActorLogging.Of(context.System).For(context.Props.Type);
}
