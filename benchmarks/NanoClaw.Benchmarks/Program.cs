using BenchmarkDotNet.Running;

// Runs every benchmark class in this assembly; pass BenchmarkDotNet filters, e.g. --filter '*Routing*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
