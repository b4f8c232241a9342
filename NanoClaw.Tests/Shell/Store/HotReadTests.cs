using LanguageExt;
using Microsoft.Data.Sqlite;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;
using Serilog.Core;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>
/// The hot statements (storing a message, a chat's batch, the multi-chat poll) run through SQLitePCLRaw directly
/// (issue 16, session 25): what they write and read must equal the general (Dapper) path's, field for field.
/// </summary>
public sealed class HotReadTests : IDisposable
{
    private const string Group = "120363001@g.us";
    private const string Other = "120363002@g.us";
    private readonly TempStoreDir dir = new();
    private readonly NanoClawStore store;

    public HotReadTests() => store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);

    public void Dispose() => dir.Dispose();

    private static ChatMessage Msg(string id, string chat, string content, string ts, string sender = "s@s.whatsapp.net", string name = "Sam") =>
        new(id, chat, sender, name, content, ts, false, false, None);

    [Fact]
    public void Batch_and_poll_return_every_field_as_stored()
    {
        var messages = Seq(
            Msg("m1", Group, "héllo 👋 <b>&amp; \"quoted\"", "2026-01-31T14:30:00.000Z") with { AddressesAssistant = true },
            Msg("m2", Group, "from me", "2026-01-31T14:31:00.000Z", name: "") with { IsFromMe = true },
            Msg("m3", Group, "a reply", "2026-01-31T14:32:00.000Z") with
            {
                ReplyTo = Some(new ReplyReference("m1", Some("héllo 👋"), Some("Sam"))),
            },
            Msg("m4", Group, "a reply to an unknown message", "2026-01-31T14:33:00.000Z") with
            {
                ReplyTo = Some(new ReplyReference("gone", None, None)),
                AddressesAssistant = true,
            });
        foreach (var m in messages) store.Messages.Store(m);

        // The general path reads every column with Dapper; the hot reads must agree with it and with what was stored.
        Assert.Equal(messages, store.Messages.AllOfChat(Group));
        Assert.Equal(messages, store.Messages.BatchSince(Group, ""));
        var (polled, cursor) = store.Messages.NewMessages([Group, Other], "");
        Assert.Equal(messages, polled);
        Assert.Equal("2026-01-31T14:33:00.000Z", cursor);
    }

    [Fact]
    public void Only_the_rows_with_files_get_attachments_and_a_photo_without_text_is_kept()
    {
        var photo = new Attachment(AttachmentKinds.Image, "image/jpeg", 1234, Some("p1.jpg"), None, None, None, None);
        var note = new Attachment(AttachmentKinds.Document, "application/pdf", 99, None, Some("too large"), Some("the plan"), Some("plan.pdf"), None);
        var text = Msg("t1", Group, "just text", "2026-01-31T14:30:00.000Z");
        var withPhoto = Msg("p1", Group, "", "2026-01-31T14:31:00.000Z") with { Attachments = toSeq(new[] { photo }) };
        var withTwo = Msg("d1", Other, "see these", "2026-01-31T14:32:00.000Z") with { Attachments = toSeq(new[] { photo, note }) };
        var empty = Msg("e1", Group, "", "2026-01-31T14:33:00.000Z");
        foreach (var m in new[] { text, withPhoto, withTwo, empty }) store.Messages.Store(m);

        Assert.Equal(Seq(text, withPhoto), store.Messages.BatchSince(Group, ""));
        Assert.Equal(Seq(text, withPhoto, withTwo), store.Messages.NewMessages([Group, Other], "").Messages);
    }

    [Fact]
    public void A_reused_id_from_another_sender_changes_nothing_and_the_same_sender_replaces_it()
    {
        store.Messages.Store(Msg("m1", Group, "original", "2026-01-31T14:30:00.000Z", sender: "a@s.whatsapp.net"));
        store.Messages.Store(Msg("m1", Group, "hijack", "2026-01-31T14:31:00.000Z", sender: "b@s.whatsapp.net"));
        Assert.Equal("original", Assert.Single(store.Messages.BatchSince(Group, "")).Content);

        store.Messages.Store(Msg("m1", Group, "edited", "2026-01-31T14:32:00.000Z", sender: "a@s.whatsapp.net"));
        var edited = Assert.Single(store.Messages.BatchSince(Group, ""));
        Assert.Equal(("edited", "2026-01-31T14:32:00.000Z"), (edited.Content, edited.Timestamp));
    }

    [Fact]
    public void A_message_for_a_chat_without_a_row_creates_the_chat()
    {
        // The fast path's single statement is refused by the foreign key; the fallback writes chat and message together.
        store.Messages.Store(Msg("m1", "new-chat@g.us", "first words", "2026-01-31T14:30:00.000Z"));
        Assert.Contains(store.Messages.AllChats(), c => c.Jid == "new-chat@g.us");
        Assert.Equal("first words", Assert.Single(store.Messages.BatchSince("new-chat@g.us", "")).Content);
    }

    [Fact]
    public void Raw_statements_read_null_empty_and_non_ascii_text_and_raise_sqlite_errors()
    {
        using var connection = store.Connections.Open();
        using (var statement = new RawStatement(connection.Handle!, "SELECT NULL, '', ?1, 42"))
        {
            statement.Text(1, "zwölf 🙂");
            Assert.True(statement.Read());
            Assert.Equal((null, "", "zwölf 🙂", 42L), (statement.String(0), statement.String(1), statement.String(2), statement.Int64(3)));
            Assert.True(statement.IsNull(0));
            Assert.False(statement.Read());
            // Reset after the last row: the statement runs again with a new binding.
            statement.Text(1, null);
            Assert.True(statement.Read());
            Assert.Null(statement.String(2));
            statement.Reset();
        }
        using var insert = new RawStatement(connection.Handle!, "INSERT INTO messages (id, chat_jid) VALUES (?1, ?2)");
        insert.Text(1, "x");
        insert.Text(2, "no-such-chat");
        var refused = Assert.Throws<SqliteException>(() => insert.Execute());
        Assert.Equal(787, refused.SqliteExtendedErrorCode); // SQLITE_CONSTRAINT_FOREIGNKEY
        Assert.Throws<SqliteException>(() => new RawStatement(connection.Handle!, "SELECT nonsense FROM nowhere"));
    }
}
