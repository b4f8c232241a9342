using System.Reflection;
using BenchmarkDotNet.Running;
using NanoClaw.Benchmarks;

// `side-by-side [ROW]` / `side-by-side dump-queue FILE`: the C# half of benchmarks/v1-side-by-side (not BenchmarkDotNet).
if (args.Length > 0 && args[0] == "side-by-side") return SideBySide.Run(args[1..]);

// Runs every benchmark class in this assembly; pass BenchmarkDotNet filters, e.g. --filter '*Routing*'.
BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
return 0;
