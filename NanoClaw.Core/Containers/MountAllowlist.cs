using System.Text.Json;
using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Containers;

/// <summary>A host directory under which groups may mount additional directories.</summary>
/// <param name="Path">The root (as written in the file; the shell replaces it with its real path).</param>
/// <param name="AllowReadWrite">Whether mounts under it may be read-write.</param>
/// <param name="Description">What the root is for.</param>
public sealed record AllowedRoot(string Path, bool AllowReadWrite, Option<string> Description);

/// <summary>
/// The mount allowlist (<c>~/.config/nanoclaw/mount-allowlist.json</c>, SPEC §7): which host directories groups may
/// see under <c>/workspace/extra/</c>. It lives outside the project and is never mounted, so an agent cannot edit it.
/// </summary>
/// <param name="AllowedRoots">Roots a mount must lie under.</param>
/// <param name="BlockedPatterns">Path-component patterns never mounted (always includes <see cref="DefaultBlockedPatterns"/>).</param>
/// <param name="NonMainReadOnly">Force every non-main group's extra mounts read-only (true when the file does not say).</param>
public sealed record MountAllowlist(Seq<AllowedRoot> AllowedRoots, Seq<string> BlockedPatterns, bool NonMainReadOnly)
{
    /// <summary>Patterns blocked whatever the file says: credential stores and key files.</summary>
    public static Seq<string> DefaultBlockedPatterns { get; } = Seq(
        ".ssh", ".gnupg", ".gpg", ".aws", ".azure", ".gcloud", ".kube", ".docker", "credentials", ".env",
        ".netrc", ".npmrc", ".pypirc", "id_rsa", "id_ed25519", "private_key", ".secret");

    /// <summary>
    /// Parses the allowlist file. Unknown fields are ignored; the file's blocked patterns are added to the defaults
    /// (a file cannot remove a default).
    /// </summary>
    public static Either<string, MountAllowlist> Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return "mount allowlist must be a JSON object";
            return
                from roots in Roots(root)
                from patterns in Patterns(root)
                from nonMainRo in NonMainReadOnlyFlag(root)
                select new MountAllowlist(roots, DefaultBlockedPatterns.Concat(patterns).Distinct().ToSeq(), nonMainRo);
        }
        catch (JsonException e)
        {
            return $"mount allowlist is not valid JSON: {e.Message}";
        }
    }

    private static Either<string, Seq<AllowedRoot>> Roots(JsonElement root)
    {
        if (!root.TryGetProperty("allowedRoots", out var v) || v.ValueKind == JsonValueKind.Null) return Seq<AllowedRoot>();
        if (v.ValueKind != JsonValueKind.Array) return "'allowedRoots' must be an array";
        var list = new List<AllowedRoot>();
        var i = 0;
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object) return $"'allowedRoots[{i}]' must be an object";
            if (!e.TryGetProperty("path", out var p) || p.ValueKind != JsonValueKind.String || p.GetString()!.Trim().Length == 0)
                return $"'allowedRoots[{i}].path' must be a non-empty string";
            var rw = e.TryGetProperty("allowReadWrite", out var w) && w.ValueKind == JsonValueKind.True;
            var desc = e.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? Some(d.GetString()!) : None;
            list.Add(new AllowedRoot(p.GetString()!.Trim(), rw, desc));
            i++;
        }
        return toSeq(list);
    }

    private static Either<string, Seq<string>> Patterns(JsonElement root)
    {
        if (!root.TryGetProperty("blockedPatterns", out var v) || v.ValueKind == JsonValueKind.Null) return Seq<string>();
        if (v.ValueKind != JsonValueKind.Array) return "'blockedPatterns' must be an array of strings";
        var list = new List<string>();
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String) return "'blockedPatterns' must be an array of strings";
            var s = e.GetString()!.Trim();
            if (s.Length > 0) list.Add(s);
        }
        return toSeq(list);
    }

    // Absent means true (F14): a non-main group is someone else's chat, so it gets write access to an extra directory
    // only when the owner says so explicitly with "nonMainReadOnly": false.
    private static Either<string, bool> NonMainReadOnlyFlag(JsonElement root) =>
        !root.TryGetProperty("nonMainReadOnly", out var v) || v.ValueKind == JsonValueKind.Null ? true
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
        : Left<string, bool>("'nonMainReadOnly' must be true or false");
}

/// <summary>One additional mount a group asks for, with what the shell found on disk.</summary>
/// <param name="Requested">The group's configuration entry.</param>
/// <param name="RealPath">The host path with <c>~</c> expanded and every symlink resolved; none when it does not exist.</param>
/// <param name="IsMain">True for the main group.</param>
public sealed record MountRequest(AdditionalMount Requested, Option<string> RealPath, bool IsMain);

/// <summary>An additional mount the allowlist admitted.</summary>
/// <param name="Mount">The mount to add (host real path → <c>/workspace/extra/&lt;name&gt;</c>).</param>
/// <param name="Note">Set when read-write was asked for but the mount was made read-only, with the reason.</param>
public sealed record AdmittedMount(VolumeMount Mount, Option<string> Note);

/// <summary>The allowlist decision for additional mounts: pure, over already-resolved real paths.</summary>
public static class MountPolicy
{
    /// <summary>Where additional mounts appear inside the container.</summary>
    public const string ExtraBase = "/workspace/extra";

    /// <summary>
    /// Decides one requested mount. Allowed only if an allowlist exists, the real path exists, is absolute and
    /// normalised, matches no blocked pattern, lies under an allowed root, and its container name is relative,
    /// non-empty and free of <c>..</c>. Read-write only if asked, the (most specific) root allows it and, for a
    /// non-main group, the list does not force read-only.
    /// </summary>
    /// <param name="allowlist">The parsed allowlist with its roots already replaced by their real paths; none when the file is missing.</param>
    /// <param name="request">The request and its resolved real path.</param>
    /// <returns>The mount to add, or the reason it is refused.</returns>
    public static Either<string, AdmittedMount> Decide(Option<MountAllowlist> allowlist, MountRequest request) =>
        allowlist.Match(
            None: () => Left<string, AdmittedMount>("no mount allowlist file: additional mounts are disabled"),
            Some: list => DecideWith(list, request));

    /// <summary>Decides every request; each result keeps its request so refusals can be logged with the reason.</summary>
    public static Seq<(MountRequest Request, Either<string, AdmittedMount> Decision)> DecideAll(Option<MountAllowlist> allowlist, Seq<MountRequest> requests) =>
        requests.Map(r => (r, Decide(allowlist, r)));

    /// <summary>The container name of a request: its <c>ContainerPath</c>, or the last component of its host path.</summary>
    public static string ContainerName(AdditionalMount requested) =>
        requested.ContainerPath.Match(
            Some: p => p.Trim(),
            None: () => Components(requested.HostPath).LastOrDefault() ?? "");

    /// <summary>The first blocked pattern the path matches (a component containing it, ignoring case), if any.</summary>
    public static Option<string> BlockedBy(string path, Seq<string> patterns)
    {
        var components = Components(path);
        foreach (var pattern in patterns)
        {
            if (pattern.Length == 0) continue;
            var hit = pattern.Contains('/')
                ? path.Contains(pattern, StringComparison.OrdinalIgnoreCase)
                : components.Exists(c => c.Contains(pattern, StringComparison.OrdinalIgnoreCase));
            if (hit) return pattern;
        }
        return None;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or lies below it (component-wise, no prefix tricks).</summary>
    public static bool IsUnder(string path, string root)
    {
        var r = root.Length > 1 ? root.TrimEnd('/') : root;
        if (r == "/") return path.StartsWith('/');
        return path == r || path.StartsWith(r + "/", StringComparison.Ordinal);
    }

    /// <summary>Replaces a leading <c>~</c> (alone or followed by <c>/</c>) with the home directory.</summary>
    public static string ExpandHome(string path, string home) =>
        path == "~" ? home
        : path.StartsWith("~/", StringComparison.Ordinal) ? home.TrimEnd('/') + path[1..]
        : path;

    private static Either<string, AdmittedMount> DecideWith(MountAllowlist list, MountRequest request)
    {
        var name = ContainerName(request.Requested);
        var nameProblem = ContainerNameProblem(name);
        if (nameProblem.IsSome) return nameProblem.Map(p => $"container path '{name}' {p}").First();
        if (request.RealPath.IsNone) return $"host path '{request.Requested.HostPath}' does not exist";
        var real = request.RealPath.First();
        var pathProblem = RealPathProblem(real);
        if (pathProblem.IsSome) return $"host path '{real}' {pathProblem.First()}";
        var blocked = BlockedBy(real, list.BlockedPatterns);
        if (blocked.IsSome) return $"host path '{real}' matches blocked pattern '{blocked.First()}'";
        var root = list.AllowedRoots
            .Filter(r => RealPathProblem(r.Path).IsNone && IsUnder(real, r.Path))
            .OrderByDescending(r => r.Path.TrimEnd('/').Length)
            .HeadOrNone();
        if (root.IsNone) return $"host path '{real}' is not under any allowed root";
        var allowedRoot = root.First();

        var wantsRw = !request.Requested.ReadOnly;
        var note = !wantsRw ? None
            : !allowedRoot.AllowReadWrite ? Some($"read-write refused: root '{allowedRoot.Path}' allows read-only")
            : !request.IsMain && list.NonMainReadOnly ? Some("read-write refused: the allowlist forces non-main groups read-only")
            : Option<string>.None;
        var readOnly = !wantsRw || note.IsSome;
        return new AdmittedMount(new VolumeMount(real, $"{ExtraBase}/{name}", readOnly), note);
    }

    /// <summary>
    /// Why a container name cannot be used, if it cannot. Besides the spec's rules (relative, non-empty, no
    /// <c>..</c>) it refuses characters that the runtimes' mount syntax would read as separators.
    /// </summary>
    public static Option<string> ContainerNameProblem(string name) =>
        name.Length == 0 ? Some("is empty")
        : name.StartsWith('/') ? Some("must be relative")
        : name.Contains("..", StringComparison.Ordinal) ? Some("must not contain '..'")
        : name.IndexOfAny([':', ',', '\\']) >= 0 || name.Any(char.IsControl) ? Some("contains ':', ',', '\\' or a control character")
        : Components(name).Exists(c => c == ".") ? Some("must not contain '.' components")
        : None;

    /// <summary>Why a resolved host path cannot be used, if it cannot (not absolute, not normalised, or unsafe in mount syntax).</summary>
    public static Option<string> RealPathProblem(string path) =>
        !path.StartsWith('/') ? Some("is not absolute")
        : Components(path).Exists(c => c is "." or "..") ? Some("is not a resolved real path")
        : path.IndexOfAny([':', ',']) >= 0 || path.Any(char.IsControl) ? Some("contains ':', ',' or a control character")
        : None;

    private static Seq<string> Components(string path) =>
        toSeq(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
}
