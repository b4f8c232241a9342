using System.Text;

namespace NanoClaw.Shell.Containers;

/// <summary>Keeps text up to a byte cap (UTF-8) and remembers that more was dropped. Thread-safe.</summary>
internal sealed class CappedText(long capBytes)
{
    private readonly StringBuilder text = new();
    private readonly object gate = new();
    private long bytes;

    public bool Truncated { get; private set; }

    public void AppendLine(string line)
    {
        lock (gate)
        {
            if (Truncated) return;
            var size = Encoding.UTF8.GetByteCount(line) + 1;
            if (bytes + size > capBytes)
            {
                // Keep what fits of this line, cut on a character boundary.
                var room = (int)Math.Max(0, capBytes - bytes);
                var keep = 0;
                var used = 0;
                foreach (var rune in line.EnumerateRunes())
                {
                    if (used + rune.Utf8SequenceLength > room) break;
                    used += rune.Utf8SequenceLength;
                    keep += rune.Utf16SequenceLength;
                }
                text.Append(line, 0, keep);
                bytes += used;
                Truncated = true;
                return;
            }
            text.Append(line).Append('\n');
            bytes += size;
        }
    }

    public override string ToString()
    {
        lock (gate) return text.ToString();
    }
}
