using BenchmarkDotNet.Running;

// Every benchmark class in this assembly, chosen with --filter, e.g. --filter '*Actor*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
