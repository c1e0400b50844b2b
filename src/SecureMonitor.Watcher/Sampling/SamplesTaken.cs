namespace SecureMonitor.Watcher.Sampling;

/// <summary>One round of samples: every metric that could be read, at one instant.</summary>
public sealed record SamplesTaken(DateTimeOffset At, IReadOnlyDictionary<string, double> Values);
