using System.Text.Json;
using System.Text.Json.Nodes;

namespace NanoClaw.AgentRunner.Ipc;

/// <summary>
/// What the host asked for since the last look: follow-up texts, and whether it wants the run to end. GaveUp says why
/// the runner stopped waiting on its own (idle limit passed, host gone); then there are no messages.
/// </summary>
internal sealed record InputBatch(IReadOnlyList<string> Messages, bool Close, string? GaveUp = null);

/// <summary>
/// The host → container channel: <c>input/*.json</c> follow-up messages and the empty <c>_close</c> sentinel.
/// Reacts to file-system events and also polls briefly, since events can be missed on bind mounts.
/// </summary>
internal sealed class InputQueue(string inputDir, string closeSentinel)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>At start: a <c>_close</c> left over from an earlier run must not end this one.</summary>
    public void RemoveStaleClose()
    {
        Directory.CreateDirectory(inputDir);
        if (File.Exists(closeSentinel))
        {
            File.Delete(closeSentinel);
            Log.Info("removed a stale _close sentinel");
        }
    }

    /// <summary>Takes every pending message (oldest first, by file name) and notes a close request.</summary>
    public InputBatch Drain()
    {
        var messages = new List<string>();
        if (Directory.Exists(inputDir))
        {
            try
            {
                foreach (var file in Directory.GetFiles(inputDir, "*.json").Order(StringComparer.Ordinal))
                {
                    if (Read(file) is { } text) messages.Add(text);
                }
            }
            catch (DirectoryNotFoundException)
            {
                // Removed while listing (the host's directory deleted): the next look at the host side notices.
            }
        }
        var close = File.Exists(closeSentinel);
        if (close) File.Delete(closeSentinel);
        return new InputBatch(messages, close);
    }

    /// <summary>Waits until there is at least one message or a close request, then drains.</summary>
    public Task<InputBatch> WaitAsync(CancellationToken ct) => WaitAsync(null, () => null, TimeProvider.System, ct);

    /// <summary>
    /// Waits until there is at least one message or a close request, then drains; or gives up (a batch with GaveUp
    /// set) when <paramref name="idleLimit"/> passes first, or when <paramref name="hostGone"/> names a reason at one
    /// of the polls.
    /// </summary>
    public async Task<InputBatch> WaitAsync(TimeSpan? idleLimit, Func<string?> hostGone, TimeProvider clock, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        if (hostGone() is { } goneAtStart) return new InputBatch([], false, goneAtStart);
        using var signal = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(inputDir) { EnableRaisingEvents = true };
        void Wake(object? s, EventArgs e) { if (signal.CurrentCount == 0) signal.Release(); }
        watcher.Created += Wake;
        watcher.Renamed += Wake;
        watcher.Changed += Wake;
        while (true)
        {
            var batch = Drain();
            if (batch.Messages.Count > 0 || batch.Close) return batch;
            if (hostGone() is { } gone) return new InputBatch([], false, gone);
            var waited = clock.GetElapsedTime(started);
            if (idleLimit is { } limit && waited >= limit)
                return new InputBatch([], false, $"no input and no _close for {waited.TotalSeconds:0} s (idle timeout plus margin: {limit.TotalSeconds:0} s); the host seems gone");
            await signal.WaitAsync(PollInterval, ct);
        }
    }

    private static string? Read(string file)
    {
        try
        {
            var content = File.ReadAllText(file);
            // An empty file is one a writer has only just created (the host renames whole files into place, but
            // a hand-written one may be seen between create and write): look again at the next wake-up.
            if (content.Length == 0) return null;
            var json = JsonNode.Parse(content) as JsonObject;
            var text = (string?)json?["text"];
            if ((string?)json?["type"] == "message" && text is not null)
            {
                File.Delete(file);
                return text;
            }
            Reject(file, "expected {\"type\":\"message\",\"text\":...}");
        }
        catch (JsonException e)
        {
            Reject(file, e.Message);
        }
        catch (IOException e)
        {
            // Possibly still being written by a non-atomic writer; the next look retries.
            Log.Info($"could not read input {Path.GetFileName(file)} yet: {e.Message}");
        }
        return null;
    }

    private static void Reject(string file, string reason)
    {
        // Kept beside the queue under a name nothing reads again, so the text is not lost.
        Log.Info($"ignoring bad input file {Path.GetFileName(file)}: {reason}");
        File.Move(file, file + ".rejected", overwrite: true);
    }
}
