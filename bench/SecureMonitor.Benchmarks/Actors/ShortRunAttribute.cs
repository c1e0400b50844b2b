using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace SecureMonitor.Benchmarks.Actors;

/// <summary>A few iterations only, so the whole actor suite runs in well under two minutes.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShortRunAttribute : Attribute, IConfigSource
{
    public ShortRunAttribute() =>
        Config = ManualConfig.CreateEmpty().AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(6));

    public IConfig Config { get; }
}
