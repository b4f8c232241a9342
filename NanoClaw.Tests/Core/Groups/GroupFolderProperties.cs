using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Groups;

namespace NanoClaw.Tests.Core.Groups;

[Trait("Category", "Property")]
public class GroupFolderProperties
{
    private static readonly string Base = Path.Combine(Path.GetTempPath(), "nanoclaw-groups-base");

    // Pieces that attack paths: traversal, separators, absolute roots, unicode look-alikes, NUL, whitespace.
    private static readonly Gen<string> Hostile =
        Gen.ListOf(Gen.Elements("a", "Z", "9", "_", "-", ".", "..", "/", "\\", "~", " ", "\0", "\n", "é", "ı", "\u2024", "\uFF0E", "\u2215", "global", "main", "GLOBAL"))
            .Select(parts => string.Concat(parts));

    [Property(MaxTest = 1000)]
    public Property A_folder_that_validates_resolves_to_a_direct_child_of_its_base() =>
        Prop.ForAll(Gen.OneOf(Hostile, ArbMap.Default.GeneratorFor<string>()).ToArbitrary(), folder =>
            GroupFolder.ResolveUnder(Base, folder).Match(
                resolved => GroupFolder.IsValid(folder)
                            && Path.GetDirectoryName(resolved) == Path.GetFullPath(Base)
                            && Path.GetFileName(resolved) == folder,
                _ => true));

    [Property(MaxTest = 1000)]
    public Property Names_with_separators_dots_or_non_ascii_never_validate() =>
        Prop.ForAll(Hostile.Where(s => s.IndexOfAny(['/', '\\', '.', '\0', ' ', '\n', '~']) >= 0 || s.Any(c => c > 127)).ToArbitrary(), folder =>
            !GroupFolder.IsValid(folder) && GroupFolder.ResolveUnder(Base, folder).IsLeft);

    [Property]
    public Property Global_is_reserved_in_every_casing() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Elements(false, true), 6).ToArbitrary(), upper =>
        {
            var name = new string("global".Select((c, i) => upper[i] ? char.ToUpperInvariant(c) : c).ToArray());
            return !GroupFolder.IsValid(name);
        });
}
