using System.Text;
using System.Text.Json;
using LanguageExt;
using NanoClaw.Core.Domain;

namespace NanoClaw.Core.Containers;

/// <summary>A chat the main group may register, as listed in <c>available_groups.json</c>.</summary>
/// <param name="Jid">Chat id.</param>
/// <param name="Name">Chat name.</param>
/// <param name="LastActivity">ISO timestamp of the last message.</param>
/// <param name="IsRegistered">True when a group already serves it.</param>
public sealed record AvailableGroup(string Jid, string Name, string LastActivity, bool IsRegistered);

/// <summary>The snapshots written into a group's IPC directory before each run (SPEC §7), as JSON text.</summary>
public static class Snapshots
{
    /// <summary>File name of the task snapshot.</summary>
    public const string TasksFile = "current_tasks.json";
    /// <summary>File name of the group snapshot.</summary>
    public const string GroupsFile = "available_groups.json";

    /// <summary>
    /// <c>current_tasks.json</c>: main sees every task, other groups their own. Fields as NanoClaw writes them:
    /// id, groupFolder, prompt, schedule_type, schedule_value, status, next_run.
    /// </summary>
    public static string Tasks(string folder, bool isMain, Seq<ScheduledTask> tasks) =>
        Json(w =>
        {
            w.WriteStartArray();
            foreach (var t in tasks.Filter(t => isMain || t.GroupFolder == folder))
            {
                w.WriteStartObject();
                w.WriteString("id", t.Id);
                w.WriteString("groupFolder", t.GroupFolder);
                w.WriteString("prompt", t.Prompt);
                w.WriteString("schedule_type", t.ScheduleType.ToString().ToLowerInvariant());
                w.WriteString("schedule_value", t.ScheduleValue);
                w.WriteString("status", t.Status.ToString().ToLowerInvariant());
                t.NextRun.Match(n => w.WriteString("next_run", n), () => w.WriteNull("next_run"));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });

    /// <summary>
    /// <c>available_groups.json</c>: <c>{groups: [...], lastSync}</c>; main gets the known chats newest first,
    /// other groups an empty list.
    /// </summary>
    public static string Groups(bool isMain, Seq<AvailableGroup> groups, string lastSync) =>
        Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("groups");
            if (isMain)
            {
                foreach (var g in groups.OrderByDescending(g => g.LastActivity, StringComparer.Ordinal))
                {
                    w.WriteStartObject();
                    w.WriteString("jid", g.Jid);
                    w.WriteString("name", g.Name);
                    w.WriteString("lastActivity", g.LastActivity);
                    w.WriteBoolean("isRegistered", g.IsRegistered);
                    w.WriteEndObject();
                }
            }
            w.WriteEndArray();
            w.WriteString("lastSync", lastSync);
            w.WriteEndObject();
        });

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            write(w);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
