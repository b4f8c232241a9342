using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Containers;

/// <summary>Reads the allowlist file and resolves a group's additional mounts to real paths for the core's decision.</summary>
public static class AdditionalMounts
{
    /// <summary>
    /// Loads the allowlist with every root replaced by its real path (roots that do not exist are dropped).
    /// No file means no additional mounts; an unreadable file is logged and treated the same way.
    /// </summary>
    public static Option<MountAllowlist> LoadAllowlist(string path, ILogger log, string? home = null)
    {
        if (!File.Exists(path)) return None;
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException e) { log.Warning("Cannot read mount allowlist {Path}: {Error}; additional mounts disabled", path, e.Message); return None; }
        catch (UnauthorizedAccessException e) { log.Warning("Cannot read mount allowlist {Path}: {Error}; additional mounts disabled", path, e.Message); return None; }
        return MountAllowlist.Parse(text).Match(
            Right: list => Some(list with
            {
                AllowedRoots = list.AllowedRoots.Choose(r =>
                    HostPaths.RealPath(r.Path, home).Match(
                        Some: real => Some(r with { Path = real }),
                        None: () => { log.Warning("Mount allowlist root {Root} does not exist; ignored", r.Path); return Option<AllowedRoot>.None; })),
            }),
            Left: e => { log.Warning("Mount allowlist {Path} is invalid ({Error}); additional mounts disabled", path, e); return None; });
    }

    /// <summary>Decides every additional mount of the group; refusals come back with their reasons (the caller logs them).</summary>
    public static (Seq<VolumeMount> Admitted, Seq<string> Rejected) Resolve(RegisteredGroup group, Option<MountAllowlist> allowlist, ILogger log, string? home = null)
    {
        var requests = group.ContainerConfig.Map(c => c.AdditionalMounts).IfNone(Seq<AdditionalMount>())
            .Map(m => new MountRequest(m, HostPaths.RealPath(m.HostPath, home), group.IsMain));
        var admitted = new List<VolumeMount>();
        var rejected = new List<string>();
        foreach (var (request, decision) in MountPolicy.DecideAll(allowlist, requests))
        {
            decision.Match(
                Right: a =>
                {
                    a.Note.IfSome(n => log.Warning("Mount {Host} for {Folder}: {Note}", request.Requested.HostPath, group.Folder, n));
                    admitted.Add(a.Mount);
                },
                Left: reason =>
                {
                    log.Warning("Mount {Host} refused for {Folder}: {Reason}", request.Requested.HostPath, group.Folder, reason);
                    rejected.Add($"{request.Requested.HostPath}: {reason}");
                });
        }
        return (toSeq(admitted), toSeq(rejected));
    }
}
