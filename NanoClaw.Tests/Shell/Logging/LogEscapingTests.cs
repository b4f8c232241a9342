using NanoClaw.Core.Config;
using NanoClaw.Shell.Logging;

namespace NanoClaw.Tests.Shell.Logging;

/// <summary>F13 in the log pipeline: control characters from any part of an event are escaped in the file.</summary>
public sealed class LogEscapingTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nanoclaw-logesc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }

    private sealed record Request(string Folder, string Name);

    [Theory]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("a\r\nb", "a\\r\\nb")]
    [InlineData("tab\there", "tab\\there")]
    [InlineData("\u001b[31mred", "\\u001b[31mred")]
    [InlineData("nel\u0085x\u2028y\u2029z\u007f", "nel\\u0085x\\u2028y\\u2029z\\u007f")]
    [InlineData("plain é ✓ \\n", "plain é ✓ \\n")]
    public void Control_characters_become_visible_escapes(string raw, string escaped) => Assert.Equal(escaped, LogText.Escape(raw));

    [Fact]
    public void No_part_of_an_event_can_start_a_line_of_its_own()
    {
        const string forged = "2020-01-01T00:00:00.000Z INF forged";
        var file = Path.Combine(dir, "nanoclaw.log");
        var redactor = new SecretRedactor(); // escaping does not depend on having secrets to redact
        using (var log = LogSetup.Create(new LoggingOptions("INFO", file), redactor, toFile: true))
        {
            log.Information("scalar {Jid}", "x\n" + forged);
            log.Information("structure {@Request}", new Request("f\n" + forged, "n\r\n" + forged));
            log.Information("sequence {Names}", new[] { "ok", "\n" + forged });
            log.Information("to string {Request}", new Request("f\n" + forged, "n"));
            log.Information("interpolated into the template: a\n" + forged);
            log.Warning(new InvalidOperationException("bad input\n" + forged), "failed");
            log.Information("char {C}", '\n');
        }

        var lines = File.ReadAllLines(file);
        Assert.DoesNotContain(lines, l => l.StartsWith("2020-01-01", StringComparison.Ordinal));
        Assert.Equal(7, lines.Count(l => l.Length >= 24 && char.IsDigit(l[0]) && DateTime.TryParse(l[..23], out _)));
        Assert.Contains(lines, l => l.Contains("scalar x\\n" + forged, StringComparison.Ordinal));
    }
}
