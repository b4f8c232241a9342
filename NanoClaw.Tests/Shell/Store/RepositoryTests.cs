using Dapper;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;
using NanoClaw.Shell.Store.Repositories;
using Serilog.Core;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Shell.Store.StoreTestSupport;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>Every repository writes and reads back through a real, migrated SQLite file.</summary>
public sealed class RepositoryTests : IDisposable
{
    private const string Group = "120363001@g.us";
    private const string Person = "15551234567@s.whatsapp.net";
    private readonly TempStoreDir dir = new();
    private readonly NanoClawStore store;

    public RepositoryTests() => store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);

    public void Dispose() => dir.Dispose();

    private static ChatMessage Msg(string id, string chat, string content, string ts, bool bot = false, Option<ReplyReference> reply = default) =>
        new(id, chat, "s@s.whatsapp.net", "Sam", content, ts, false, bot, reply);

    [Fact]
    public void Messages_round_trip_with_reply_context()
    {
        var reply = Some(new ReplyReference("m0", Some("the quoted text"), Some("Alice")));
        var partial = Some(new ReplyReference("m00", None, None));
        var a = Msg("m1", Group, "hello <b>&", "2026-01-31T14:32:00.000Z", reply: reply);
        var b = Msg("m2", Group, "second", "2026-01-31T14:33:00.000Z", reply: partial) with { IsFromMe = true };
        store.Messages.Store(a);
        store.Messages.Store(b);

        Assert.Equal(Seq(a, b), store.Messages.AllOfChat(Group));
        // The chat row the foreign key needs was created.
        Assert.Contains(store.Messages.AllChats(), c => c.Jid == Group);
    }

    [Fact]
    public void Storing_the_same_message_again_replaces_it()
    {
        store.Messages.Store(Msg("m1", Group, "draft", "2026-01-31T14:32:00.000Z"));
        store.Messages.Store(Msg("m1", Group, "edited", "2026-01-31T14:32:00.000Z"));
        Assert.Equal("edited", Assert.Single(store.Messages.AllOfChat(Group)).Content);
    }

    [Fact]
    public void Batch_after_cursor_excludes_bot_empty_and_older_messages_in_time_order()
    {
        store.Messages.Store(Msg("old", Group, "before cursor", "2026-01-31T10:00:00.000Z"));
        store.Messages.Store(Msg("b", Group, "second", "2026-01-31T10:02:00.000Z"));
        store.Messages.Store(Msg("a", Group, "first", "2026-01-31T10:01:00.000Z"));
        store.Messages.Store(Msg("bot", Group, "Andy: reply", "2026-01-31T10:03:00.000Z", bot: true));
        store.Messages.Store(Msg("human", Group, "Andy: a human may start like this when the bot has its own number", "2026-01-31T10:03:30.000Z"));
        store.Messages.Store(Msg("empty", Group, "", "2026-01-31T10:04:00.000Z"));
        store.Messages.Store(Msg("blank", Group, " \n\t ", "2026-01-31T10:04:30.000Z"));
        store.Messages.Store(Msg("other", Person, "other chat", "2026-01-31T10:05:00.000Z"));

        var batch = store.Messages.BatchSince(Group, "2026-01-31T10:00:00.000Z");

        Assert.Equal(Seq("a", "b", "human"), batch.Map(m => m.Id)); // the flag decides what is the bot's
    }

    [Fact]
    public void New_messages_span_the_given_chats_and_advance_the_cursor()
    {
        store.Messages.Store(Msg("g1", Group, "one", "2026-01-31T10:01:00.000Z"));
        store.Messages.Store(Msg("p1", Person, "two", "2026-01-31T10:02:00.000Z"));
        store.Messages.Store(Msg("x1", "999@g.us", "unregistered", "2026-01-31T10:03:00.000Z"));
        store.Messages.Store(Msg("bot", Group, "Andy: hi", "2026-01-31T10:04:00.000Z", bot: true));

        var (messages, cursor) = store.Messages.NewMessages([Group, Person], "2026-01-31T10:00:00.000Z");

        Assert.Equal(Seq("g1", "p1"), messages.Map(m => m.Id));
        Assert.Equal("2026-01-31T10:02:00.000Z", cursor);
        Assert.Equal("2026-01-31T10:05:00.000Z", store.Messages.NewMessages([Group], "2026-01-31T10:05:00.000Z").NewCursor);
        Assert.Empty(store.Messages.NewMessages([], "").Messages);
    }

    [Fact]
    public void Chat_metadata_keeps_the_newest_time_and_fills_in_channel()
    {
        store.Messages.StoreChatMetadata(Group, "2026-01-31T10:00:00.000Z", Some("Family"), Some("whatsapp"), Some(true));
        store.Messages.StoreChatMetadata(Group, "2026-01-30T10:00:00.000Z", None, None, None);
        store.Messages.StoreChatMetadata(Person, "2026-01-31T11:00:00.000Z", None, None, Some(false));
        store.Messages.SetLastGroupSync(new DateTimeOffset(2026, 1, 31, 8, 0, 0, TimeSpan.Zero));

        var chats = store.Messages.AllChats();

        Assert.Equal(
            Seq(new Chat(Person, Person, "2026-01-31T11:00:00.000Z", None, false),
                new Chat(Group, "Family", "2026-01-31T10:00:00.000Z", Some("whatsapp"), true)),
            chats);
        Assert.Equal(Some("2026-01-31T08:00:00.000Z"), store.Messages.LastGroupSync());

        store.Messages.UpdateChatName(Group, "Family 2", DateTimeOffset.UnixEpoch);
        Assert.Equal("Family 2", store.Messages.AllChats().Find(c => c.Jid == Group).Map(c => c.Name).IfNone(""));
        Assert.Equal("2026-01-31T10:00:00.000Z", store.Messages.AllChats().Find(c => c.Jid == Group).Map(c => c.LastMessageTime).IfNone(""));
    }

    [Fact]
    public void Router_state_round_trips_cursors()
    {
        Assert.Equal("", store.RouterState.LastTimestamp());
        Assert.True(store.RouterState.LastAgentTimestamps().IsEmpty);

        store.RouterState.SetLastTimestamp("2026-01-31T10:00:00.000Z");
        store.RouterState.SetLastAgentTimestamp(Group, "2026-01-31T09:00:00.000Z");
        store.RouterState.SetLastAgentTimestamp(Person, "2026-01-31T09:30:00.000Z");
        store.RouterState.SetLastAgentTimestamp(Group, "2026-01-31T09:45:00.000Z");

        Assert.Equal("2026-01-31T10:00:00.000Z", store.RouterState.LastTimestamp());
        Assert.Equal(Map((Group, "2026-01-31T09:45:00.000Z"), (Person, "2026-01-31T09:30:00.000Z")), store.RouterState.LastAgentTimestamps());
    }

    [Fact]
    public void A_damaged_agent_cursor_value_reads_as_empty_with_a_warning()
    {
        var (log, lines) = CollectingLogger();
        var warned = NanoClawStore.Open(dir.StoreDir, "Andy", log);
        warned.RouterState.Set(RouterStateRepository.LastAgentTimestampKey, "{not json");
        Assert.True(warned.RouterState.LastAgentTimestamps().IsEmpty);
        Assert.Contains(lines, l => l.StartsWith("Warning") && l.Contains("last_agent_timestamp"));
    }

    [Fact]
    public void Sessions_round_trip()
    {
        store.Sessions.Set("main", "s1");
        store.Sessions.Set("family", "s2");
        store.Sessions.Set("main", "s3");
        Assert.Equal(Some("s3"), store.Sessions.Get("main"));
        Assert.Equal(Map(("family", "s2"), ("main", "s3")), store.Sessions.All());
        store.Sessions.Delete("family");
        Assert.True(store.Sessions.Get("family").IsNone);
    }

    [Fact]
    public void Registered_groups_round_trip_with_container_config()
    {
        var config = new ContainerConfig(
            Seq(new AdditionalMount("~/projects", Some("projects"), false), new AdditionalMount("/srv/docs", None, true)), Some(600000));
        var main = new RegisteredGroup(Person, "Me", "main", "@Andy", "2026-01-01T00:00:00.000Z", None, false, true);
        var family = new RegisteredGroup(Group, "Family", "family", "@Andy", "2026-01-02T00:00:00.000Z", Some(config), true, false);

        Assert.True(store.Groups.Upsert(main).IsRight);
        Assert.True(store.Groups.Upsert(family).IsRight);

        Assert.Equal(Seq(main, family), store.Groups.All());
        Assert.Equal(Some(family), store.Groups.Get(Group));

        var renamed = family with { Name = "Fam", ContainerConfig = None, RequiresTrigger = false };
        Assert.True(store.Groups.Upsert(renamed).IsRight);
        Assert.Equal(Some(renamed), store.Groups.Get(Group));

        Assert.True(store.Groups.Remove(Group));
        Assert.False(store.Groups.Remove(Group));
        Assert.True(store.Groups.Get(Group).IsNone);
    }

    [Fact]
    public void Registering_a_bad_or_taken_folder_is_refused()
    {
        var main = new RegisteredGroup(Person, "Me", "main", "@Andy", "2026-01-01T00:00:00.000Z", None, false, true);
        Assert.True(store.Groups.Upsert(main).IsRight);
        Assert.True(store.Groups.Upsert(main with { Jid = Group }).IsLeft);
        Assert.True(store.Groups.Upsert(main with { Jid = Group, Folder = "../x" }).IsLeft);
        Assert.True(store.Groups.Upsert(main with { Jid = Group, Folder = "global" }).IsLeft);
        Assert.Single(store.Groups.All());
    }

    [Fact]
    public void Groups_with_invalid_folders_are_skipped_with_a_warning_but_kept()
    {
        var (log, lines) = CollectingLogger();
        var s = NanoClawStore.Open(dir.StoreDir, "Andy", log);
        using (var c = OpenRaw(s.DatabasePath))
            c.Execute("INSERT INTO registered_groups (jid, name, folder, trigger_pattern, added_at) VALUES ('bad@g.us', 'Bad', '../etc', '@Andy', 'x')");

        Assert.Empty(s.Groups.All());
        Assert.True(s.Groups.Get("bad@g.us").IsNone);
        Assert.Contains(lines, l => l.StartsWith("Warning") && l.Contains("bad@g.us"));
        Assert.Equal(1, Count(s.DatabasePath, "registered_groups"));
    }

    private static ScheduledTask Task(string id, string folder, string nextRun, TaskStatus status = TaskStatus.Active) =>
        new(id, folder, Group, "prompt " + id, ScheduleType.Cron, "0 9 * * *", ContextMode.Group, Some("echo hi"),
            Some(nextRun), None, None, status, "2026-01-0" + id[^1] + "T00:00:00.000Z");

    [Fact]
    public void Tasks_round_trip_list_update_and_delete_with_run_logs()
    {
        var t1 = Task("t1", "family", "2026-02-01T09:00:00.000Z");
        var t2 = Task("t2", "main", "2026-02-01T10:00:00.000Z") with
        {
            ScheduleType = ScheduleType.Once, ContextMode = ContextMode.Isolated, Script = None, LastRun = Some("x"), LastResult = Some("y"),
        };
        Assert.True(store.Tasks.Create(t1));
        Assert.True(store.Tasks.Create(t2));
        Assert.False(store.Tasks.Create(t1));

        Assert.Equal(Some(t1), store.Tasks.Get("t1"));
        Assert.Equal(Seq(t2, t1), store.Tasks.ListAll()); // newest first
        Assert.Equal(Seq1(t1), store.Tasks.ListByGroup("family"));

        var edited = t1 with { Prompt = "new", ScheduleType = ScheduleType.Interval, ScheduleValue = "60000" };
        Assert.True(store.Tasks.Update(edited));
        Assert.Equal(Some(edited), store.Tasks.Get("t1"));

        Assert.True(store.Tasks.SetStatus("t1", TaskStatus.Paused));
        Assert.Equal(Some(TaskStatus.Paused), store.Tasks.Get("t1").Map(t => t.Status));

        var log = new TaskRunLog("t1", "2026-02-01T09:00:00.000Z", 1234, RunStatus.Error, None, Some("boom"));
        store.RunLogs.Log(log);
        store.RunLogs.Log(log with { RunAt = "2026-02-02T09:00:00.000Z", Status = RunStatus.Success, Result = Some("ok"), Error = None });
        Assert.Equal(2, store.RunLogs.ForTask("t1").Count);
        Assert.Equal(log, store.RunLogs.ForTask("t1").Head);

        Assert.True(store.Tasks.Delete("t1"));
        Assert.True(store.Tasks.Get("t1").IsNone);
        Assert.Empty(store.RunLogs.ForTask("t1"));
        Assert.False(store.Tasks.Delete("t1"));
    }

    [Fact]
    public void Due_tasks_are_active_with_next_run_at_or_before_now()
    {
        store.Tasks.Create(Task("t1", "a", "2026-02-01T09:00:00.000Z"));
        store.Tasks.Create(Task("t2", "a", "2026-02-01T08:00:00.000Z"));
        store.Tasks.Create(Task("t3", "a", "2026-02-01T09:00:00.001Z"));
        store.Tasks.Create(Task("t4", "a", "2026-02-01T07:00:00.000Z", TaskStatus.Paused));

        var due = store.Tasks.Due(new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.Zero));

        Assert.Equal(Seq("t2", "t1"), due.Map(t => t.Id));
    }

    [Fact]
    public void After_run_records_the_run_and_completes_when_there_is_no_next_run()
    {
        store.Tasks.Create(Task("t1", "a", "2026-02-01T09:00:00.000Z"));
        store.Tasks.Create(Task("t2", "a", "2026-02-01T09:00:00.000Z"));
        var ranAt = new DateTimeOffset(2026, 2, 1, 9, 0, 5, TimeSpan.Zero);

        store.Tasks.AfterRun("t1", Some("2026-02-02T09:00:00.000Z"), ranAt, "done");
        store.Tasks.AfterRun("t2", None, ranAt, "Error: failed");

        var t1 = store.Tasks.Get("t1").IfNone(() => throw new InvalidOperationException());
        Assert.Equal((Some("2026-02-02T09:00:00.000Z"), Some("2026-02-01T09:00:05.000Z"), Some("done"), TaskStatus.Active),
            (t1.NextRun, t1.LastRun, t1.LastResult, t1.Status));
        var t2 = store.Tasks.Get("t2").IfNone(() => throw new InvalidOperationException());
        Assert.Equal((Option<string>.None, TaskStatus.Completed), (t2.NextRun, t2.Status));
    }

    [Fact]
    public void Outbox_keeps_pending_messages_in_order_until_sent()
    {
        var at = new DateTimeOffset(2026, 1, 31, 14, 32, 0, TimeSpan.Zero);
        var a = store.Outbox.Enqueue(Group, "first", at);
        var b = store.Outbox.Enqueue(Person, "second", at.AddSeconds(1));
        var c = store.Outbox.Enqueue(Group, "third", at.AddSeconds(2));
        Assert.True(a < b && b < c);

        Assert.True(store.Outbox.RecordFailure(b, "offline"));
        Assert.True(store.Outbox.RecordFailure(b, "still offline"));
        Assert.True(store.Outbox.MarkSent(a, at.AddSeconds(3)));
        Assert.False(store.Outbox.MarkSent(a, at.AddSeconds(4)));

        Assert.Equal(
            Seq(new OutboxEntry(b, Person, "second", "2026-01-31T14:32:01.000Z", 2, Some("still offline")),
                new OutboxEntry(c, Group, "third", "2026-01-31T14:32:02.000Z", 0, None)),
            store.Outbox.Pending());
        Assert.Equal(Some("2026-01-31T14:32:03.000Z"), store.Outbox.SentAt(a));

        // Durable: a fresh store on the same file sees the same queue.
        Assert.Equal(store.Outbox.Pending(), NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None).Outbox.Pending());
    }
}
