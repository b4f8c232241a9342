using System.Diagnostics;
using System.Text;
using NanoClaw.Shell.WhatsApp.Protocol;
using Serilog;

namespace NanoClaw.Shell.WhatsApp.Sidecar;

/// <summary>
/// One running sidecar process: events from its stdout are handed to <c>onEvent</c> (with the process) one at a time in
/// order; commands are written to its stdin one line at a time. Restarting is the owner's job.
/// </summary>
public sealed class SidecarProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ILogger log;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly Task pump;

    private SidecarProcess(Process process, ILogger log, Func<SidecarProcess, SidecarEvent, Task> onEvent)
    {
        this.process = process;
        this.log = log;
        pump = Task.WhenAll(Task.Run(() => ReadEventsAsync(onEvent)), Task.Run(ReadStderrAsync));
        Exited = ExitAsync();
    }

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    /// <summary>Completes with the exit code once the process has exited and every event line was handled.</summary>
    public Task<int> Exited { get; }

    public static SidecarProcess Start(SidecarOptions options, ILogger log, Func<SidecarProcess, SidecarEvent, Task> onEvent)
    {
        var info = new ProcessStartInfo(options.NodePath)
        {
            WorkingDirectory = options.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        info.ArgumentList.Add(options.EntryScript);
        // A cleared environment (F19): the daemon's may hold NANOCLAW_ANTHROPIC_API_KEY and other secrets, and Node,
        // Baileys and their dependency tree need none of it. What the options name explicitly is added on top.
        info.Environment.Clear();
        foreach (var (key, value) in InheritedEnvironment(System.Environment.GetEnvironmentVariables()))
            info.Environment[key] = value;
        foreach (var (key, value) in options.Environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {options.NodePath}");
        return new SidecarProcess(process, log, onEvent);
    }

    /// <summary>
    /// The part of the daemon's environment the sidecar inherits: <c>PATH</c> and <c>HOME</c> (to find and run Node),
    /// <c>NODE_*</c> (e.g. <c>NODE_EXTRA_CA_CERTS</c>, <c>NODE_OPTIONS</c>) and its own <c>NANOCLAW_SIDECAR_*</c>
    /// settings (e.g. <c>NANOCLAW_SIDECAR_LOG_LEVEL</c>). Nothing else.
    /// </summary>
    internal static IEnumerable<KeyValuePair<string, string>> InheritedEnvironment(System.Collections.IDictionary environment)
    {
        foreach (System.Collections.DictionaryEntry entry in environment)
            if (entry.Key is string key && entry.Value is string value && IsInherited(key))
                yield return new KeyValuePair<string, string>(key, value);
    }

    private static bool IsInherited(string key) =>
        key is "PATH" or "HOME"
        || key.StartsWith("NODE_", StringComparison.Ordinal)
        || key.StartsWith("NANOCLAW_SIDECAR_", StringComparison.Ordinal);

    /// <summary>Writes one command line; false when the process is gone.</summary>
    public async Task<bool> WriteAsync(string line, CancellationToken cancellationToken = default)
    {
        try
        {
            await writeLock.WaitAsync(cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        try
        {
            if (process.HasExited) return false;
            await process.StandardInput.WriteAsync((line + "\n").AsMemory(), cancellationToken);
            await process.StandardInput.FlushAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task ReadEventsAsync(Func<SidecarProcess, SidecarEvent, Task> onEvent)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Length == 0) continue;
            var parsed = SidecarEvent.Parse(line);
            if (parsed.Event is null)
            {
                log.Warning("WhatsApp sidecar sent an unreadable line ({Reason})", parsed.Error);
                continue;
            }
            try
            {
                await onEvent(this, parsed.Event);
            }
            catch (Exception e)
            {
                // A handler fault must not stop the pump: later events (send results) still matter.
                log.Error(e, "Handling WhatsApp sidecar event {Event} failed", parsed.Event.GetType().Name);
            }
        }
    }

    private async Task ReadStderrAsync()
    {
        while (await process.StandardError.ReadLineAsync() is { } line)
            if (line.Length > 0) log.Warning("WhatsApp sidecar stderr: {Line}", line);
    }

    private async Task<int> ExitAsync()
    {
        await process.WaitForExitAsync();
        await pump;
        return process.ExitCode;
    }

    /// <summary>Asks the sidecar to shut down, waits a little, then kills it.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Exited.IsCompleted) return;
        await WriteAsync(SidecarCommand.Shutdown());
        var finished = await Task.WhenAny(Exited, Task.Delay(grace));
        if (finished != Exited)
        {
            log.Warning("WhatsApp sidecar did not stop within {Grace}; killing it", grace);
            Kill();
            await Exited;
        }
    }

    /// <summary>Kills the process tree now.</summary>
    public void Kill()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await Exited;
        }
        finally
        {
            // The write lock is left to the GC: a late StopAsync may still be waiting on it.
            process.Dispose();
        }
    }
}
