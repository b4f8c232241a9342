using LanguageExt;
using NanoClaw.Core.Security;
using NanoClaw.Shell.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Security;

/// <summary>
/// Reads <c>~/.config/nanoclaw/sender-allowlist.json</c> (SPEC §5). No file: everyone may trigger, nothing is dropped.
/// A file that cannot be used is never half-applied: <see cref="FailSafe"/> lets only the user trigger and still
/// stores everything, so a typo can neither open the assistant to strangers nor lose messages.
/// </summary>
public static class SenderAllowlistLoader
{
    /// <summary>The standard location, outside the project (no container can reach it).</summary>
    public static string DefaultPath => Path.Combine(HostPaths.Home, ".config", "nanoclaw", "sender-allowlist.json");

    /// <summary>Policy while the file is unusable: only the user's own messages trigger; nothing is dropped.</summary>
    public static SenderAllowlist FailSafe { get; } =
        new(new AllowlistEntry(false, Set<string>(), AllowlistMode.Trigger), Map<string, AllowlistEntry>(), true);

    /// <summary>The policy in the file, none when there is no file, or the reason it cannot be used.</summary>
    public static Either<string, Option<SenderAllowlist>> Load(string path)
    {
        try
        {
            if (!File.Exists(path)) return Right<string, Option<SenderAllowlist>>(None);
            var info = new FileInfo(path);
            if (info.Length > 1024 * 1024) return Left<string, Option<SenderAllowlist>>($"{path}: larger than 1 MiB");
            return SenderAllowlistJson.Parse(File.ReadAllText(path)).Map(Some).MapLeft(reason => $"{path}: {reason}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Left<string, Option<SenderAllowlist>>($"{path}: {e.Message}");
        }
    }
}
