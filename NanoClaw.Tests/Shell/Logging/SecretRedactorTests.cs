using FsCheck.Xunit;
using NanoClaw.Shell.Logging;

namespace NanoClaw.Tests.Shell.Logging;

public sealed class SecretRedactorTests
{
    // '*' is the mask's own character: a secret made of it could reappear inside "***", so generated secrets avoid it.
    private static string Secret(string raw) => "s" + (raw ?? "").Replace('*', 'x');

    [Property]
    [Trait("Category", "Property")]
    public bool Redacted_text_never_contains_a_secret(string secret, string before, string middle, string after)
    {
        var s = Secret(secret);
        var redactor = new SecretRedactor([s]);
        return !redactor.Redact((before ?? "") + s + (middle ?? "") + s + (after ?? "")).Contains(s, StringComparison.Ordinal);
    }

    [Property]
    [Trait("Category", "Property")]
    public bool Several_secrets_are_all_removed_whatever_their_overlap(string a, string b, string text)
    {
        var (s1, s2) = (Secret(a), Secret(a) + Secret(b)); // one secret is a prefix of the other
        var redactor = new SecretRedactor([s1, s2]);
        var redacted = redactor.Redact(s2 + (text ?? "") + s1);
        return !redacted.Contains(s1, StringComparison.Ordinal) && !redacted.Contains(s2, StringComparison.Ordinal);
    }

    [Property]
    [Trait("Category", "Property")]
    public bool Text_without_secrets_is_unchanged(string secret, string text)
    {
        var s = Secret(secret);
        var t = text ?? "";
        return t.Contains(s, StringComparison.Ordinal) || new SecretRedactor([s]).Redact(t) == t;
    }

    [Fact]
    public void Secrets_added_later_are_redacted_from_then_on()
    {
        var redactor = new SecretRedactor();
        Assert.Equal("key=abc123", redactor.Redact("key=abc123"));
        redactor.Add("abc123");
        redactor.Add("");
        Assert.Equal("key=***", redactor.Redact("key=abc123"));
    }
}
