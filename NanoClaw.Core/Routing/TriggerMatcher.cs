using System.Text.RegularExpressions;

namespace NanoClaw.Core.Routing;

/// <summary>
/// Decides whether a message addresses the assistant: the trimmed content matches <c>^@Name\b</c>,
/// case-insensitively, with the name regex-escaped. The boundary is written <c>(?!\w)</c> ("no word character
/// follows"): the same as <c>\b</c> for every name ending in a letter, digit or underscore, and still sensible for a
/// name like <c>C++</c>, where <c>\b</c> would demand a word character after it. One instance per assistant name; it holds its
/// compiled regex, so the check allocates nothing (it is on the per-message hot path).
/// </summary>
public sealed class TriggerMatcher
{
    private readonly Regex _pattern;

    /// <summary>Builds the matcher for <c>@</c><paramref name="assistantName"/>.</summary>
    /// <param name="assistantName">The assistant's name, e.g. <c>Andy</c>; any characters, they are escaped.</param>
    public TriggerMatcher(string assistantName)
    {
        AssistantName = assistantName ?? "";
        _pattern = new Regex(
            "^@" + Regex.Escape(AssistantName) + @"(?!\w)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    /// <summary>The name this matcher looks for (without the <c>@</c>).</summary>
    public string AssistantName { get; }

    /// <summary>True when the trimmed <paramref name="content"/> starts with <c>@Name</c> followed by a word boundary.</summary>
    public bool Matches(string? content)
    {
        if (content is null) return false;
        var trimmed = content.AsSpan().Trim();
        // Cheap reject first: almost every message does not start with '@'.
        return trimmed.Length > AssistantName.Length && trimmed[0] == '@' && _pattern.IsMatch(trimmed);
    }

    /// <inheritdoc />
    public override string ToString() => "@" + AssistantName;
}
