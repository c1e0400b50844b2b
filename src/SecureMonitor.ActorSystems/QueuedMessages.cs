using Akka.Actor;

namespace SecureMonitor.ActorSystems;

public static class QueuedMessagesExtensions
{
    /// <summary>
    /// More user messages wait behind the current one: an actor may hold costly work (a store write, a
    /// notification) for the last of them and do it once, as group commit does. Akka's mailbox knows;
    /// a context that is not a local actor cell (a test double) says no, which only means no gathering.
    /// </summary>
    public static bool HasQueuedMessages(this IActorContext context) =>
        context is ActorCell { Mailbox: { } mailbox } && mailbox.MessageQueue.HasMessages;
}
