using System.Globalization;
using System.Text;

namespace NanoClaw.Latency;

/// <summary>One line of the fake runtime's log: <c>&lt;epoch ms&gt; &lt;kind&gt; &lt;container&gt; [extra]</c>.</summary>
internal sealed record RuntimeEvent(double AtMs, string Kind, string Name, string Extra);

/// <summary>
/// Follows the fake runtime's log file. The times come from the log lines themselves, so how quickly this tail
/// notices a line only paces the harness; it never enters a measurement.
/// </summary>
internal sealed class FakeRuntimeLog : IDisposable
{
    private readonly string path;
    private readonly CancellationTokenSource stop = new();
    private readonly Task reader;

    public FakeRuntimeLog(string path)
    {
        this.path = path;
        File.WriteAllText(path, "");
        reader = Task.Run(() => FollowAsync(stop.Token));
    }

    public EventFeed<RuntimeEvent> Events { get; } = new();

    private async Task FollowAsync(CancellationToken token)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[64 * 1024];
        var pending = new StringBuilder();
        while (!token.IsCancellationRequested)
        {
            var n = await stream.ReadAsync(buffer, token);
            if (n == 0)
            {
                try { await Task.Delay(2, token); } catch (OperationCanceledException) { return; }
                continue;
            }
            pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
            var text = pending.ToString();
            var last = text.LastIndexOf('\n');
            if (last < 0) continue;
            foreach (var line in text[..last].Split('\n'))
                if (Parse(line) is { } e) Events.Add(e);
            pending.Clear().Append(text[(last + 1)..]);
        }
    }

    private static RuntimeEvent? Parse(string line)
    {
        var parts = line.Split(' ', 4);
        if (parts.Length < 3 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var at)) return null;
        return new RuntimeEvent(at, parts[1], parts[2], parts.Length > 3 ? parts[3] : "");
    }

    public void Dispose()
    {
        stop.Cancel();
        try { reader.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        stop.Dispose();
    }
}
