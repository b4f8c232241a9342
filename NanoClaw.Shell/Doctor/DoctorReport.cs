namespace NanoClaw.Shell.Doctor;

/// <summary>Renders check results: one line per check with its mark, then the fix indented under each failure.</summary>
public static class DoctorReport
{
    /// <summary>Marks for terminals that show UTF-8, and a plain ASCII fallback.</summary>
    public static (string Pass, string Fail, string Skip) Marks(bool unicode) =>
        unicode ? ("✓", "✗", "-") : ("ok", "FAIL", "skip");

    public static string Format(IReadOnlyList<CheckResult> results, bool unicode)
    {
        var (pass, fail, skip) = Marks(unicode);
        var markWidth = new[] { pass, fail, skip }.Max(m => m.Length);
        var nameWidth = results.Count == 0 ? 0 : results.Max(r => r.Name.Length);
        var text = new System.Text.StringBuilder();
        foreach (var r in results)
        {
            var mark = r.Status switch { CheckStatus.Pass => pass, CheckStatus.Fail => fail, _ => skip };
            text.Append(mark.PadRight(markWidth)).Append(' ').Append(r.Name.PadRight(nameWidth)).Append("  ").AppendLine(r.Detail);
            if (r.Status == CheckStatus.Fail && r.Fix is { Length: > 0 } fix)
                text.Append(new string(' ', markWidth + 1 + nameWidth + 2)).Append("fix: ").AppendLine(fix);
        }
        text.AppendLine(Summary(results));
        return text.ToString();
    }

    public static string Summary(IReadOnlyList<CheckResult> results)
    {
        var failed = results.Count(r => r.Status == CheckStatus.Fail);
        return failed == 0
            ? $"All {results.Count(r => r.Status == CheckStatus.Pass)} checks passed."
            : $"{failed} of {results.Count} checks failed; fix them in the order shown, then run: nanoclaw doctor";
    }

    /// <summary>True when standard output is shown as UTF-8 (the usual case); otherwise the ASCII marks are used.</summary>
    public static bool ConsoleShowsUnicode() => Console.OutputEncoding.CodePage == 65001;
}
