namespace SecureMonitor.Actors.Tests.TestActors;

/// <summary>Makes the receiving test actor throw.</summary>
public sealed record Boom(string Reason = "boom");

public sealed record Increment;

public sealed record GetCount;

public sealed record Count(int Value);

public sealed record Numbered(int Sender, int Sequence);
