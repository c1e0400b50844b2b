namespace SecureMonitor.Monitor.Tests.Cluster.Remoting;

/// <summary>On every node's allow-list.</summary>
public sealed record AllowedPing(int Number, string Text);

/// <summary>Allowed by the sender only: the receiver must refuse it.</summary>
public sealed record NotAllowedPing(string Text);
