using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Groups;

/// <summary>F15 and F16: which folder names are reserved, and that folders stay unique regardless of case.</summary>
[Trait("Category", "Property")]
public class ReservedAndUniqueFolderProperties
{
    private static Gen<string> Cased(string name) =>
        Gen.ArrayOf(Gen.Elements(false, true), name.Length)
            .Select(upper => new string(name.Select((c, i) => upper[i] ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray()));

    private static readonly Gen<string> AnyReservedInAnyCase = Gen.Elements(GroupFolder.Reserved.ToArray()).SelectMany(Cased);

    // Names with the right shape: reserved ones, near misses ("errorss", "global-"), and ordinary ones.
    private static readonly Gen<string> Shaped = Gen.OneOf(
        AnyReservedInAnyCase,
        AnyReservedInAnyCase.SelectMany(r => Gen.Elements("s", "-", "_1", "0").Select(suffix => r + suffix)),
        Gen.Elements("family", "work", "main", "err", "snapshot", "prox", "run", "globals").SelectMany(Cased));

    [Property(MaxTest = 1000)]
    public Property Every_reserved_name_is_refused_in_every_casing_naming_the_reserved_name() =>
        Prop.ForAll(AnyReservedInAnyCase.ToArbitrary(), folder =>
            GroupFolder.Validate(folder).Match(
                _ => false,
                reason => reason.Contains($"'{folder.ToLowerInvariant()}' is reserved", StringComparison.Ordinal))
            && GroupFolder.IsReserved(folder)
            && GroupFolder.ResolveUnder("/tmp/groups", folder).IsLeft);

    [Property(MaxTest = 1000)]
    public Property A_well_shaped_name_is_valid_exactly_when_it_is_not_reserved_in_any_case() =>
        Prop.ForAll(Shaped.ToArbitrary(), folder =>
            GroupFolder.IsValid(folder) == !GroupFolder.Reserved.Any(r => string.Equals(r, folder, StringComparison.OrdinalIgnoreCase)));

    [Property(MaxTest = 300)]
    public Property Registrations_never_leave_two_chats_in_the_same_folder_regardless_of_case() =>
        Prop.ForAll(
            Gen.ListOf(
                from jid in Gen.Elements("a@g.us", "b@g.us", "c@g.us", "d@g.us")
                from folder in Gen.Elements("family", "work", "kids").SelectMany(Cased)
                select (jid, folder)).ToArbitrary(),
            requests =>
            {
                var groups = Map(("main@s.whatsapp.net", new RegisteredGroup("main@s.whatsapp.net", "Main", "main", "@Andy", "t", None, false, true)));
                foreach (var (jid, folder) in requests)
                {
                    var ctx = new IpcContext("main", true, groups, Map<string, ScheduledTask>(), TimeZoneInfo.Utc, DateTimeOffset.UnixEpoch, "t1");
                    var decision = IpcAuthorizer.Authorize(ctx, new IpcRequest.RegisterGroup(jid, jid, folder, "@Andy", true, None));
                    // The reason, when refused for the folder, names the chat that has it.
                    var other = groups.Values.FirstOrDefault(g => g.Jid != jid && GroupFolder.SameFolder(g.Folder, folder));
                    if (other is not null && decision.IsRight) return false;
                    if (other is null && decision.IsLeft) return false;
                    if (other is not null && !decision.Match(_ => false, reason => reason.Contains(other.Jid, StringComparison.Ordinal))) return false;
                    decision.IfRight(effect => groups = groups.AddOrUpdate(jid, ((IpcEffect.RegisterGroup)effect).Group));
                }
                var folders = groups.Values.Select(g => g.Folder).ToList();
                return folders.Distinct(StringComparer.OrdinalIgnoreCase).Count() == folders.Count;
            });

    [Property(MaxTest = 500)]
    public Property Same_folder_is_case_insensitive_equality() =>
        Prop.ForAll(Shaped.ToArbitrary(), Shaped.ToArbitrary(), (a, b) =>
            GroupFolder.SameFolder(a, b) == (a.ToLowerInvariant() == b.ToLowerInvariant())
            && GroupFolder.SameFolder(a, a.ToUpperInvariant()));
}
