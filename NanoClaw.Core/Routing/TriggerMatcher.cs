using System.Text.RegularExpressions;

namespace NanoClaw.Core.Routing;

/// <summary>
/// Decides whether a message addresses the assistant: the trimmed content starts with the trigger (<c>@Name</c>, or a
/// group's own <c>trigger_pattern</c> such as <c>@Claw</c>) followed by a word boundary, case-insensitively, with the
/// trigger regex-escaped. The boundary is written <c>(?!\w)</c> ("no word character follows"): the same as <c>\b</c>
/// for every trigger ending in a letter, digit or underscore, and still sensible for one like <c>@C++</c>, where
/// <c>\b</c> would demand a word character after it. One instance per trigger; it holds its compiled regex, so the
/// check allocates nothing (it is on the per-message hot path).
/// </summary>
public sealed class TriggerMatcher
{
    private readonly Regex _pattern;

    /// <summary>Builds the matcher for <c>@</c><paramref name="assistantName"/>.</summary>
    /// <param name="assistantName">The assistant's name, e.g. <c>Andy</c>; any characters, they are escaped.</param>
    public TriggerMatcher(string assistantName) : this("@" + (assistantName ?? ""), assistantName ?? "")
    {
    }

    private TriggerMatcher(string pattern, string assistantName)
    {
        Pattern = pattern;
        AssistantName = assistantName;
        _pattern = new Regex(
            "^" + Regex.Escape(Pattern) + @"(?!\w)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    /// <summary>
    /// The matcher for a group's own trigger text as stored in <c>trigger_pattern</c> (e.g. <c>@Claw</c>), trimmed,
    /// taken literally (NanoClaw: <c>^</c> + escaped trigger + <c>\b</c>).
    /// </summary>
    /// <param name="trigger">The trigger text; must not be blank.</param>
    public static TriggerMatcher ForPattern(string trigger)
    {
        var pattern = Normalise(trigger);
        if (pattern.Length == 0) throw new ArgumentException("a trigger must not be blank", nameof(trigger));
        return new TriggerMatcher(pattern, pattern.StartsWith('@') ? pattern[1..] : pattern);
    }

    /// <summary>The trigger text as matched: trimmed ("" for none).</summary>
    /// <param name="trigger">Stored trigger text, possibly null or padded.</param>
    public static string Normalise(string? trigger) => (trigger ?? "").Trim();

    /// <summary>The name this matcher looks for (the trigger without its leading <c>@</c>).</summary>
    public string AssistantName { get; }

    /// <summary>The whole trigger text, e.g. <c>@Andy</c>.</summary>
    public string Pattern { get; }

    /// <summary>True when the trimmed <paramref name="content"/> starts with the trigger followed by a word boundary.</summary>
    public bool Matches(string? content)
    {
        if (content is null) return false;
        var trimmed = content.AsSpan().Trim();
        // Cheap reject first: almost every message does not start with the trigger's first character.
        return trimmed.Length >= Pattern.Length && Pattern.Length > 0
            && SameLetter(trimmed[0], Pattern[0]) && _pattern.IsMatch(trimmed);
    }

    private static bool SameLetter(char a, char b) =>
        a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b) || char.ToLowerInvariant(a) == char.ToLowerInvariant(b);

    /// <inheritdoc />
    public override string ToString() => Pattern;
}
