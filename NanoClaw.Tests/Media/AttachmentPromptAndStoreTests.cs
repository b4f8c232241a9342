using NanoClaw.Tests.Support;
using System.Xml.Linq;
using Dapper;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.Store;
using NanoClaw.Tests.WhatsApp;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Media;

/// <summary>Attachments in the prompt (SPEC §5 extended) and in the store (V4__attachments).</summary>
[Trait("Category", "Media")]
public sealed class AttachmentPromptAndStoreTests
{
    private const string Chat = "120363000000000001@g.us";

    private static ChatMessage Message(string id, string content, params Attachment[] attachments) =>
        new ChatMessage(id, Chat, "15551234567@s.whatsapp.net", "Alice", content, "2026-01-31T14:32:00.000Z", false, false, None)
        {
            Attachments = toSeq(attachments),
        };

    private static Attachment Stored(string kind, string file, string mime, long size, Option<string> transcript = default) =>
        new(kind, mime, size, Some(file), None, None, None, transcript);

    [Fact]
    public void Each_attachment_is_an_element_of_its_message_with_the_path_the_agent_sees()
    {
        var prompt = PromptFormatter.Format(Seq(
            Message("m1", "our cat", Stored("image", "m1.jpg", "image/jpeg", 48213) with { Caption = Some("our cat") }),
            Message("m2", "", new Attachment("document", "application/pdf", 5000, None, Some("too large"), None, Some("big.pdf"), None)),
            Message("m3", "", Stored("voice", "m3.ogg", "audio/ogg", 812, Some("see you at six"))),
            Message("m4", "", Stored("voice", "m4.ogg", "audio/ogg", 10))), TimeZoneInfo.Utc);

        Assert.Equal("""
            <context timezone="UTC" />
            <messages>
            <message sender="Alice" time="Jan 31, 2026, 2:32 PM">our cat
            <attachment type="image" path="/workspace/media/m1.jpg" mime="image/jpeg" size="48213" /></message>
            <message sender="Alice" time="Jan 31, 2026, 2:32 PM">
            <attachment type="document" mime="application/pdf" size="5000" name="big.pdf" status="not downloaded: too large" /></message>
            <message sender="Alice" time="Jan 31, 2026, 2:32 PM">
            <attachment type="voice" path="/workspace/media/m3.ogg" mime="audio/ogg" size="812"><transcript>see you at six</transcript></attachment></message>
            <message sender="Alice" time="Jan 31, 2026, 2:32 PM">
            <attachment type="voice" path="/workspace/media/m4.ogg" mime="audio/ogg" size="10" status="voice note, not transcribed" /></message>
            </messages>
            """, prompt);
    }

    [Property(MaxTest = 300)]
    public Property Hostile_names_captions_and_transcripts_stay_inside_their_attribute_or_element(NonNull<string> name, NonNull<string> caption,
        NonNull<string> transcript) =>
        Prop.ToProperty(Check(name.Get, caption.Get, transcript.Get));

    private static bool Check(string name, string caption, string transcript)
    {
        var a = new Attachment("voice", "audio/ogg", 1, Some("x.ogg"), None, Some(caption), Some(name), Some(transcript));
        var doc = XDocument.Parse("<root>" + PromptFormatter.Format(toSeq(new[] { Message("m", "text", a) }), TimeZoneInfo.Utc) + "</root>",
            LoadOptions.PreserveWhitespace);
        var element = Assert.Single(doc.Descendants("attachment"));
        // Text XML can carry (no CR, control characters or surrogates) comes back exactly; anything else stays in its place.
        static bool Clean(string s) => s.All(c => (c is '\t' or '\n' || c >= 0x20) && c != '\uFFFE' && c != '\uFFFF' && !char.IsSurrogate(c));
        var nameBack = element.Attribute("name")?.Value;
        var transcriptBack = element.Element("transcript")?.Value;
        return nameBack is not null && transcriptBack is not null
               && element.Attribute("type")!.Value == "voice"
               && element.Attribute("path")!.Value == "/workspace/media/x.ogg"
               && (!Clean(name) || nameBack == name)
               && (!Clean(transcript) || transcriptBack == transcript);
    }

    [Fact]
    public void The_store_keeps_attachments_with_their_message_and_media_only_messages_are_in_the_batch()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nanoclaw-media-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new TestStore(dir);
            var photo = Message("p1", "", Stored("image", "p1.jpg", "image/jpeg", 10));
            var refused = Message("p2", "look", new Attachment("video", "video/mp4", 99, None, Some("daily limit reached"), Some("look"), None, None))
                with { Timestamp = "2026-01-31T14:33:00.000Z" };
            var empty = Message("p3", "  ") with { Timestamp = "2026-01-31T14:34:00.000Z" };
            store.Db.Messages.Store(photo);
            store.Db.Messages.Store(refused);
            store.Db.Messages.Store(empty);

            var batch = new TestStore(dir).Db.Messages.BatchSince(Chat, "");
            Assert.Equal(new[] { photo, refused }, batch.ToArray());
            Assert.Equal(BatchRules.Select(new[] { photo, refused, empty }, ""), batch);

            // Another sender reusing the id changes neither the message nor its attachments (F18).
            store.Db.Messages.Store(photo with { Sender = "15550000000@s.whatsapp.net", Attachments = toSeq(new[] { Stored("image", "evil.jpg", "image/jpeg", 1) }) });
            Assert.Equal(photo, store.Db.Messages.BatchSince(Chat, "").Head);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_database_from_before_V4_is_migrated_and_its_messages_keep_working()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nanoclaw-media-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new TestStore(dir);
            store.Db.Messages.Store(Message("old", "hello @Andy"));
            // Roll the file back to what the previous release left: no attachments table, V4 not applied.
            using (var c = store.Db.Connections.Open())
            {
                StoreRollback.To(c, keepThrough: 3);
            }

            var reopened = new TestStore(dir);
            Assert.Equal(new[] { "old" }, reopened.Db.Messages.BatchSince(Chat, "").Select(m => m.Id).ToArray());
            reopened.Db.Messages.Store(Message("new", "", Stored("document", "new.pdf", "application/pdf", 3)) with { Timestamp = "2026-01-31T14:35:00.000Z" });
            Assert.Equal("new.pdf", new TestStore(dir).Db.Messages.BatchSince(Chat, "").Last.Attachments.Head.File.IfNone(""));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
