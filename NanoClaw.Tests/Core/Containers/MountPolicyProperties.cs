using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Containers;

[Trait("Category", "Property")]
public class MountPolicyProperties
{
    // Path components drawn so that blocked names, near-misses, traversal and separators all occur often.
    private static readonly Gen<string> Component = Gen.Elements(
        "home", "u", "projects", "work", "docs", ".ssh", "ssh", ".SSH", "my.env", ".environment", "env", "credentials.txt",
        "id_rsa.pub", "keys", "private_key", "aws", ".aws", "..", ".", "a:b", "x,y", "data", "projects-old", "Docker", ".docker");

    private static readonly Gen<string> AbsPath =
        Gen.ListOf(Component).Select(cs => "/" + string.Join('/', cs.Take(6)));

    private static readonly Gen<Option<string>> RealPath =
        Gen.OneOf(Gen.Constant(Option<string>.None), AbsPath.Select(Some), Gen.Elements("relative/x", "", "~/x").Select(Some));

    private static readonly Gen<MountAllowlist> Allowlist =
        from roots in Gen.ListOf(
            from p in Gen.OneOf(AbsPath, Gen.Elements("/", "/home/u", "/home/u/projects", "/home/u/"))
            from rw in Gen.Elements(true, false)
            select new AllowedRoot(p, rw, None))
        from extra in Gen.ListOf(Gen.Elements("docs", "secret-stuff", "work/private", "Keys"))
        from nonMainRo in Gen.Elements(true, false)
        select new MountAllowlist(toSeq(roots.Take(4)), MountAllowlist.DefaultBlockedPatterns + toSeq(extra.Take(2)), nonMainRo);

    private static readonly Gen<MountRequest> Request =
        from host in Gen.OneOf(AbsPath, Gen.Elements("~/projects/x", "~"))
        from name in Gen.OneOf(Gen.Constant(Option<string>.None), Gen.Elements("x", "", "/abs", "../up", "a/../b", "ok/sub", "a:rw", "a,b", ".", "name").Select(Some))
        from ro in Gen.Elements(true, false)
        from real in RealPath
        from isMain in Gen.Elements(true, false)
        select new MountRequest(new AdditionalMount(host, name, ro), real, isMain);

    [Property(MaxTest = 1000)]
    public Property An_admitted_mount_is_never_under_a_blocked_pattern_nor_outside_every_root() =>
        Prop.ForAll((from list in Allowlist from req in Request select (list, req)).ToArbitrary(), x =>
            MountPolicy.Decide(Some(x.list), x.req).Match(
                Left: _ => true,
                Right: admitted =>
                {
                    var host = admitted.Mount.HostPath;
                    var components = host.Split('/', StringSplitOptions.RemoveEmptyEntries);
                    var blocked = x.list.BlockedPatterns.Exists(p =>
                        components.Any(c => c.Contains(p, StringComparison.OrdinalIgnoreCase)));
                    var underRoot = x.list.AllowedRoots.Exists(r =>
                        host == r.Path.TrimEnd('/') || r.Path.TrimEnd('/') == "" || host.StartsWith(r.Path.TrimEnd('/') + "/", StringComparison.Ordinal));
                    var name = admitted.Mount.ContainerPath["/workspace/extra/".Length..];
                    return !blocked && underRoot
                           && !components.Contains("..") && !components.Contains(".")
                           && x.req.RealPath == Some(host)
                           && name.Length > 0 && !name.StartsWith('/') && !name.Contains("..")
                           && !name.Contains(':') && !name.Contains(',');
                }));

    [Property(MaxTest = 1000)]
    public Property Read_write_only_when_asked_the_root_allows_and_non_main_is_not_forced_read_only() =>
        Prop.ForAll((from list in Allowlist from req in Request select (list, req)).ToArbitrary(), x =>
            MountPolicy.Decide(Some(x.list), x.req).Match(
                Left: _ => true,
                Right: admitted =>
                {
                    if (admitted.Mount.ReadOnly) return true;
                    var host = admitted.Mount.HostPath;
                    var roots = x.list.AllowedRoots.Filter(r => MountPolicy.IsUnder(host, r.Path));
                    return !x.req.Requested.ReadOnly
                           && roots.Exists(r => r.AllowReadWrite)
                           && (x.req.IsMain || !x.list.NonMainReadOnly);
                }));

    [Property(MaxTest = 300)]
    public Property Without_an_allowlist_nothing_is_admitted() =>
        Prop.ForAll(Request.ToArbitrary(), req => MountPolicy.Decide(None, req).IsLeft);
}
