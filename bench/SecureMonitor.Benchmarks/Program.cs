using BenchmarkDotNet.Running;
using SecureMonitor.Benchmarks.MonitorLoad;

// `monitor-load`: the open-loop load runner (throughput and latency percentiles of a real node).
// Anything else: every BenchmarkDotNet class in this assembly, chosen with --filter, e.g. --filter '*Actor*'.
if (args is ["monitor-load", ..])
{
    return await MonitorLoadBenchmark.RunAsync(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
