namespace SecureMonitor.Actors.Internal;

/// <summary>The <c>/user</c> root: parent of top-level actors; handles nothing itself.</summary>
internal sealed class GuardianActor : Actor;
