using BenchmarkDotNet.Running;
using SecureMonitor.Benchmarks.Failover;
using SecureMonitor.Benchmarks.MonitorLoad;
using SecureMonitor.Benchmarks.Scaling;
using SecureMonitor.Benchmarks.Soak;

// `monitor-load`: the open-loop load runner (throughput, CPU per alert and latency percentiles of a
// real node); `monitor-load-node` is the node process it starts. Anything else: every
// BenchmarkDotNet class in this assembly, chosen with --filter, e.g. --filter '*Actor*'.
switch (args)
{
    case ["monitor-load", ..]:
        return await MonitorLoadBenchmark.RunAsync(args[1..]);
    case ["monitor-load-node", ..]:
        return await MonitorNodeProcess.RunNodeAsync(args[1..]);
}
// `failover`: kill -9 of the leader to the first alerts stored by the new leader, over several kills.
if (args is ["failover", ..])
{
    return await FailoverBenchmark.RunAsync(args[1..]);
}
// `scaling`: 100, 1,000 and 10,000 virtual watchers holding connections to one monitor process.
if (args is ["scaling", ..])
{
    return await ScalingBenchmark.RunAsync(args[1..]);
}
// `storm`: 10,000 virtual watchers reconnect to the other node after kill -9 of the singleton's node.
if (args is ["storm", ..])
{
    return await ReconnectStormBenchmark.RunAsync(args[1..]);
}
// `soak`: 1,000 virtual watchers and a bounded hostile client against one monitor for 30 minutes.
if (args is ["soak", ..])
{
    return await SoakBenchmark.RunAsync(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
