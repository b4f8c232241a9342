using System.Text.Json;
using System.Text.Json.Nodes;

namespace NanoClaw.AgentRunner.Ipc;

/// <summary>What the host asked for since the last look: follow-up texts, and whether it wants the run to end.</summary>
internal sealed record InputBatch(IReadOnlyList<string> Messages, bool Close);

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
            foreach (var file in Directory.GetFiles(inputDir, "*.json").Order(StringComparer.Ordinal))
            {
                if (Read(file) is { } text) messages.Add(text);
            }
        }
        var close = File.Exists(closeSentinel);
        if (close) File.Delete(closeSentinel);
        return new InputBatch(messages, close);
    }

    /// <summary>Waits until there is at least one message or a close request, then drains.</summary>
    public async Task<InputBatch> WaitAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(inputDir);
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
            await signal.WaitAsync(PollInterval, ct);
        }
    }

    private static string? Read(string file)
    {
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(file)) as JsonObject;
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
