using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Shell.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Shell.Containers;

public sealed class HostPathsTests : IDisposable
{
    private readonly TempProject project = new();

    public void Dispose() => project.Dispose();

    [Fact]
    public void Real_paths_follow_every_symlink_and_expand_home()
    {
        var o = project.Outside;
        Directory.CreateDirectory(Path.Combine(o, "real", "deep"));
        Directory.CreateSymbolicLink(Path.Combine(o, "link"), Path.Combine(o, "real"));
        Directory.CreateSymbolicLink(Path.Combine(o, "real", "rel"), "deep");
        Directory.CreateSymbolicLink(Path.Combine(o, "loop1"), Path.Combine(o, "loop2"));
        Directory.CreateSymbolicLink(Path.Combine(o, "loop2"), Path.Combine(o, "loop1"));

        Assert.Equal(Some(Path.Combine(o, "real", "deep")), HostPaths.RealPath(Path.Combine(o, "link", "rel")));
        Assert.Equal(Some(Path.Combine(o, "real")), HostPaths.RealPath(Path.Combine(o, "link", "rel", "..")));
        Assert.Equal(Some(Path.Combine(o, "real", "deep")), HostPaths.RealPath("~/link/deep", home: o));
        Assert.True(HostPaths.RealPath(Path.Combine(o, "missing")).IsNone);
        Assert.True(HostPaths.RealPath(Path.Combine(o, "loop1")).IsNone);
    }

    [Fact]
    public void The_allowlist_roots_are_replaced_by_their_real_paths_and_a_bad_file_disables_extras()
    {
        var sink = new ListSink();
        var o = project.Outside;
        Directory.CreateDirectory(Path.Combine(o, "real"));
        Directory.CreateSymbolicLink(Path.Combine(o, "link"), Path.Combine(o, "real"));
        File.WriteAllText(project.AllowlistPath, $$"""{"allowedRoots":[{"path":"~/link","allowReadWrite":true},{"path":"{{o}}/gone"}]}""");

        var list = AdditionalMounts.LoadAllowlist(project.AllowlistPath, sink.Logger(), home: o);
        Assert.Equal(Seq1(Path.Combine(o, "real")), list.Map(l => l.AllowedRoots.Map(r => r.Path)).IfNone(Seq<string>()));
        Assert.Contains(sink.Messages, m => m.Contains("does not exist"));

        File.WriteAllText(project.AllowlistPath, "{ not json");
        Assert.True(AdditionalMounts.LoadAllowlist(project.AllowlistPath, sink.Logger()).IsNone);
        Assert.Contains(sink.Messages, m => m.Contains("invalid"));
        Assert.True(AdditionalMounts.LoadAllowlist(Path.Combine(o, "none.json"), sink.Logger()).IsNone);
    }

    [Fact]
    public void The_host_user_is_the_one_id_reports()
    {
        if (OperatingSystem.IsWindows()) return;
        static string Id(string flag)
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("id", flag) { RedirectStandardOutput = true })!;
            var text = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return text;
        }
        var (uid, gid) = HostUser.Current();
        Assert.Equal(Id("-u"), uid.ToString());
        Assert.Equal(Id("-g"), gid.ToString());
    }
}
