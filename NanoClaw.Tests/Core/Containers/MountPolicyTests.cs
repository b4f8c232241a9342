using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Containers;

public class MountPolicyTests
{
    private static readonly MountAllowlist List = MountAllowlist.Parse("""
        {
          "allowedRoots": [
            { "path": "/home/u/projects", "allowReadWrite": true, "description": "code" },
            { "path": "/home/u/projects/archive", "allowReadWrite": false },
            { "path": "/home/u/docs" }
          ],
          "blockedPatterns": ["password"],
          "nonMainReadOnly": true
        }
        """).IfLeft(e => throw new Exception(e));

    private static string Decide(string real, bool readOnly = true, bool isMain = true, string? name = null, string host = "/any/host") =>
        MountPolicy.Decide(Some(List), new MountRequest(new AdditionalMount(host, Optional(name), readOnly), Some(real), isMain))
            .Match(Right: a => $"{a.Mount.HostPath} -> {a.Mount.ContainerPath} {(a.Mount.ReadOnly ? "ro" : "rw")}{a.Note.Map(n => " (" + n + ")").IfNone("")}",
                   Left: e => "refused: " + e);

    [Fact]
    public void Parse_merges_blocked_patterns_with_the_defaults_and_reads_roots()
    {
        Assert.Equal(3, List.AllowedRoots.Count);
        Assert.Equal(Some("code"), List.AllowedRoots[0].Description);
        Assert.False(List.AllowedRoots[2].AllowReadWrite);
        Assert.Contains(".ssh", List.BlockedPatterns);
        Assert.Contains("password", List.BlockedPatterns);
        Assert.True(List.NonMainReadOnly);
    }

    [Theory]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{\"allowedRoots\": {}}", "'allowedRoots' must be an array")]
    [InlineData("{\"allowedRoots\": [{\"path\": \"\"}]}", "'allowedRoots[0].path'")]
    [InlineData("{\"blockedPatterns\": [1]}", "'blockedPatterns'")]
    [InlineData("{\"nonMainReadOnly\": \"yes\"}", "'nonMainReadOnly'")]
    [InlineData("{", "not valid JSON")]
    public void Parse_names_what_is_wrong(string json, string expected) =>
        Assert.Contains(expected, MountAllowlist.Parse(json).Match(_ => "", e => e));

    [Fact]
    public void Decisions_with_reasons()
    {
        Assert.Equal("/home/u/projects/app -> /workspace/extra/app ro", Decide("/home/u/projects/app", host: "~/projects/app"));
        Assert.Equal("/home/u/projects/app -> /workspace/extra/code rw", Decide("/home/u/projects/app", readOnly: false, name: "code"));
        Assert.Equal("/home/u/projects/app -> /workspace/extra/app ro (read-write refused: the allowlist forces non-main groups read-only)",
            Decide("/home/u/projects/app", readOnly: false, isMain: false, host: "/home/u/projects/app"));
        // The most specific root decides: archive is read-only although its parent allows read-write.
        Assert.Contains("ro (read-write refused: root '/home/u/projects/archive'", Decide("/home/u/projects/archive/old", readOnly: false, name: "old"));
        Assert.Equal("refused: host path '/home/u/projects/.ssh/keys' matches blocked pattern '.ssh'", Decide("/home/u/projects/.ssh/keys", name: "k"));
        Assert.Equal("refused: host path '/home/u/projects/my-passwords' matches blocked pattern 'password'", Decide("/home/u/projects/my-passwords", name: "p"));
        Assert.Equal("refused: host path '/home/u/projectsX' is not under any allowed root", Decide("/home/u/projectsX", name: "x"));
        Assert.Equal("refused: container path '../x' must not contain '..'", Decide("/home/u/docs", name: "../x"));
        Assert.Equal("refused: container path '/etc' must be relative", Decide("/home/u/docs", name: "/etc"));
        Assert.Equal("refused: container path '' is empty", Decide("/home/u/docs", name: " "));
        Assert.Equal("refused: container path 'a:ro' contains ':', ',', '\\' or a control character", Decide("/home/u/docs", name: "a:ro"));
        Assert.Equal("refused: host path 'docs' is not absolute", Decide("docs", name: "d"));
        Assert.StartsWith("refused: no mount allowlist file", MountPolicy.Decide(None, new MountRequest(new AdditionalMount("/x", None, true), Some("/x"), true)).Match(_ => "", e => "refused: " + e));
        Assert.Equal("refused: host path '/gone' does not exist",
            MountPolicy.Decide(Some(List), new MountRequest(new AdditionalMount("/gone", None, true), None, true)).Match(_ => "", e => "refused: " + e));
    }

    [Fact]
    public void Home_expansion_and_root_containment_are_component_wise()
    {
        Assert.Equal("/home/u/x", MountPolicy.ExpandHome("~/x", "/home/u/"));
        Assert.Equal("/home/u", MountPolicy.ExpandHome("~", "/home/u"));
        Assert.Equal("~user/x", MountPolicy.ExpandHome("~user/x", "/home/u"));
        Assert.True(MountPolicy.IsUnder("/a/b", "/a"));
        Assert.True(MountPolicy.IsUnder("/a", "/a/"));
        Assert.False(MountPolicy.IsUnder("/ab", "/a"));
        Assert.True(MountPolicy.IsUnder("/anything", "/"));
    }
}
