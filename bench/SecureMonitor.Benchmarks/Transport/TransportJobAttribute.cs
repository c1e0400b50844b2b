using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace SecureMonitor.Benchmarks.Transport;

/// <summary>
/// Short runs for the loopback benchmarks, whose invocations are already hundreds or thousands of
/// operations each, so the whole transport suite runs in about three minutes.
/// </summary>
/// <remarks>
/// With <c>oneInvocationPerIteration</c>, every invocation is its own iteration, so an
/// <c>[IterationSetup]</c> runs before each one. Needed where an invocation uses up its inputs:
/// the monitor accepts each sequence number once, so every invocation needs freshly sealed envelopes.
/// </remarks>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TransportJobAttribute : Attribute, IConfigSource
{
    public TransportJobAttribute(bool oneInvocationPerIteration = false)
    {
        var job = Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(8);
        if (oneInvocationPerIteration)
        {
            job = job.WithInvocationCount(1).WithUnrollFactor(1);
        }
        Config = ManualConfig.CreateEmpty().AddJob(job);
    }

    public IConfig Config { get; }
}
