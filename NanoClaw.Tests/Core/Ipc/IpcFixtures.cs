using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Tests.Core.Ipc;

/// <summary>A small installation: main (self-chat), family and work groups, and a few tasks.</summary>
internal static class IpcFixtures
{
    public const string MainJid = "15550000000@s.whatsapp.net";
    public const string FamilyJid = "111@g.us";
    public const string FamilyTwoJid = "112@g.us";
    public const string WorkJid = "222@g.us";
    public const string Stranger = "999@g.us";

    public static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    public static readonly DateTimeOffset Now = new(2026, 1, 31, 19, 32, 0, TimeSpan.Zero); // 2:32 PM in New York

    public static RegisteredGroup Group(string jid, string folder, bool isMain = false, string addedAt = "2026-01-01T00:00:00.000Z") =>
        new(jid, folder, folder, "@Andy", addedAt, None, !isMain, isMain);

    public static ScheduledTask Task(string id, string folder, string chat, TaskStatus status = TaskStatus.Active) =>
        new(id, folder, chat, "do it", ScheduleType.Interval, "3600000", ContextMode.Isolated, None,
            Some("2026-01-31T20:00:00.000Z"), None, None, status, "2026-01-30T00:00:00.000Z");

    public static readonly Map<string, RegisteredGroup> Groups = toMap(new[]
    {
        (MainJid, Group(MainJid, "main", isMain: true)),
        (FamilyJid, Group(FamilyJid, "family")),
        (FamilyTwoJid, Group(FamilyTwoJid, "family")),
        (WorkJid, Group(WorkJid, "work")),
    });

    public static readonly Map<string, ScheduledTask> Tasks = toMap(new[]
    {
        ("t-family", Task("t-family", "family", FamilyJid)),
        ("t-work", Task("t-work", "work", WorkJid)),
        ("t-done", Task("t-done", "family", FamilyJid, TaskStatus.Completed)),
    });

    public static IpcContext Context(string source) =>
        new(source, source == "main", Groups, Tasks, NewYork, Now, "task-new");
}
