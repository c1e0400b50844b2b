namespace SecureMonitor.TestKit;

/// <summary>A probe expectation failed. Independent of any test framework; every runner reports it as a failure.</summary>
public sealed class TestKitAssertionException(string message) : Exception(message);
