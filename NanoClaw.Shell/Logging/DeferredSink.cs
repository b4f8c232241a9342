using Serilog.Core;
using Serilog.Events;

namespace NanoClaw.Shell.Logging;

/// <summary>
/// A sink built at its first event: a short command that logs nothing never pays for building the real one.
/// Events keep their order (the factory runs once, under <see cref="Lazy{T}"/>'s lock).
/// </summary>
public sealed class DeferredSink(Func<Logger> create) : ILogEventSink, IDisposable
{
    private readonly Lazy<Logger> sink = new(create, LazyThreadSafetyMode.ExecutionAndPublication);

    public void Emit(LogEvent logEvent) => ((ILogEventSink)sink.Value).Emit(logEvent);

    public void Dispose()
    {
        if (sink.IsValueCreated) sink.Value.Dispose();
    }
}
