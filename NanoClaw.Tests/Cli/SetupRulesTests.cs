using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Shell.Doctor;
using NanoClaw.Shell.Setup;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Cli;

/// <summary>The pure parts of set-up: registration decisions, the doctor's report and the first-run guide.</summary>
public sealed class SetupRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-02-01T10:00:00Z");

    private static RegisteredGroup Group(string jid, string folder, bool main) =>
        new(jid, jid, folder, "@Andy", "2026-01-01T00:00:00.000Z", None, !main, main);

    private static readonly string[] Jids = ["a@g.us", "b@g.us", "c@s.whatsapp.net", "local:main"];
    private static readonly string[] Folders = ["main", "Main", "family", "work", "global", "../x", "", "a b", "x\n", "-x", "ok_1"];

    private static Arbitrary<(Seq<RegisteredGroup> Existing, RegistrationRequest Request)> Scenarios() =>
        (from existingCount in Gen.Choose(0, 3)
         from existing in Gen.ListOf(
             from jid in Gen.Elements(Jids)
             from folder in Gen.Elements("main", "family", "work", "club")
             from main in Gen.Elements(true, false)
             select Group(jid, folder, main), existingCount)
         from jid in Gen.Elements(Jids)
         from folder in Gen.OneOf(Gen.Elements(Folders), ArbMap.Default.GeneratorFor<string>())
         from requiresTrigger in Gen.Elements(true, false)
         from main in Gen.Elements(true, false)
         select (OneMainAtMost(existing.DistinctBy(g => g.Jid).DistinctBy(g => g.Folder)),
                 new RegistrationRequest(jid, "Name", folder ?? "", "@Andy", requiresTrigger, main))).ToArbitrary();

    /// <summary>A store as the rules keep it: at most one main group.</summary>
    private static Seq<RegisteredGroup> OneMainAtMost(IEnumerable<RegisteredGroup> groups)
    {
        var seenMain = false;
        return toSeq(groups.Select(g =>
        {
            if (!g.IsMain) return g;
            if (seenMain) return g with { IsMain = false };
            seenMain = true;
            return g;
        }).ToList());
    }

    [Property(MaxTest = 500)]
    [Trait("Category", "Property")]
    public Property A_registration_never_leaves_two_main_groups_or_an_invalid_folder() =>
        Prop.ForAll(Scenarios(), s =>
        {
            var decided = GroupRegistration.Decide(s.Existing, s.Request, TimeZoneInfo.Utc, Now);
            return decided.Match(
                group =>
                {
                    var after = s.Existing.Filter(g => g.Jid != group.Jid).Add(group);
                    return after.Count(g => g.IsMain) <= 1
                           && GroupFolder.IsValid(group.Folder)
                           && group.IsMain == s.Request.IsMain
                           && group.Jid == s.Request.Jid
                           // An ordinary group never lands in the main group's folder.
                           && (group.IsMain || !after.Exists(g => g.IsMain && string.Equals(g.Folder, group.Folder, StringComparison.OrdinalIgnoreCase)));
                },
                _ => true);
        });

    [Property(MaxTest = 300)]
    [Trait("Category", "Property")]
    public Property A_valid_ordinary_request_with_no_conflicts_is_accepted_as_asked(NonEmptyString suffix) =>
        Prop.ForAll(Gen.Elements("family", "work", "ok_1", "Team-7").ToArbitrary(), folder =>
        {
            var request = new RegistrationRequest("x" + suffix.Get.Replace(" ", "").Replace("\n", "") + "@g.us", "Name", folder, "@Andy", true, false);
            if (request.Jid.Any(char.IsWhiteSpace)) return true;
            var decided = GroupRegistration.Decide(Seq1(Group("me@s.whatsapp.net", "main", true)), request, TimeZoneInfo.Utc, Now);
            return decided.Exists(g => g.Folder == folder && g.RequiresTrigger && !g.IsMain && g.AddedAt == "2026-02-01T10:00:00.000Z");
        });

    [Fact]
    public void The_report_has_one_line_per_check_and_the_fix_under_each_failure_in_ascii_too()
    {
        CheckResult[] results =
        [
            CheckResult.Pass("config", "valid"),
            CheckResult.Fail("image", "missing", "bash container/build.sh"),
            CheckResult.Skip("whatsapp", "off"),
        ];

        var text = DoctorReport.Format(results, unicode: false).Replace("\r", "").Split('\n');

        Assert.Equal("ok   config    valid", text[0]);
        Assert.Equal("FAIL image     missing", text[1]);
        Assert.Equal(new string(' ', 15) + "fix: bash container/build.sh", text[2]); // under the detail column
        Assert.Equal("skip whatsapp  off", text[3]);
        Assert.Equal("1 of 3 checks failed; fix them in the order shown, then run: nanoclaw doctor", text[4]);
        Assert.StartsWith("✗ image", DoctorReport.Format(results, unicode: true).Split('\n')[1]);
    }

    [Fact]
    public void Later_starts_do_not_wait_on_the_runtime_or_image_checks()
    {
        Assert.Equal(["credentials", "runtime", "image", "sidecar", "whatsapp", "main-group"], FirstRunGuide.ChecksFor(firstStart: true));
        Assert.Equal(["credentials", "sidecar", "whatsapp", "main-group"], FirstRunGuide.ChecksFor(firstStart: false));
    }

    [Fact]
    public void The_guide_numbers_each_missing_piece_with_its_fix()
    {
        var text = FirstRunGuide.Format("/srv/nc", [CheckResult.Fail("credentials", "no credentials.yml", "cp a b"), CheckResult.Fail("whatsapp", "not linked", "nanoclaw auth whatsapp")]);
        Assert.Equal(
            "NanoClaw is not set up yet in /srv/nc. Still to do, in this order:\n" +
            "  1. Credentials: no credentials.yml\n     fix: cp a b\n" +
            "  2. WhatsApp link: not linked\n     fix: nanoclaw auth whatsapp\n" +
            "Then start it again with: nanoclaw run   (nanoclaw doctor checks everything)\n",
            text.Replace("\r", ""));
    }
}
