using System.Reflection;
using BenchmarkDotNet.Running;

// Runs every benchmark class in this assembly; pass BenchmarkDotNet filters, e.g. --filter '*Routing*'.
BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
