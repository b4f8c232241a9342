using System.Reactive.Subjects;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Channels;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.WhatsApp;

/// <summary>Invariants of ingestion over a real store, whatever the channel delivers (duplicates, unregistered chats, any order).</summary>
[Trait("Category", "WhatsApp")]
public sealed class InboundIngestProperties
{
    private static readonly string[] ChatJids = ["100@g.us", "200@g.us", "300@g.us", "15550001111@s.whatsapp.net"];
    private static readonly System.Collections.Generic.HashSet<string> RegisteredJids = ["100@g.us", "200@g.us"];

    [Property(MaxTest = 20)]
    [Trait("Category", "Property")]
    public Property Each_registered_message_is_stored_once_and_announced_once_and_every_chat_is_known() =>
        Prop.ForAll(
            (from chat in Gen.Choose(0, ChatJids.Length - 1)
             from id in Gen.Choose(0, 5)
             select (Chat: ChatJids[chat], Id: $"M{id}")).ListOf().ToArbitrary(),
            deliveries =>
            {
                var root = Path.Combine(Path.GetTempPath(), "nanoclaw-ingest-" + Guid.NewGuid().ToString("N"));
                try
                {
                    var store = new TestStore(Path.Combine(root, "store"));
                    foreach (var jid in RegisteredJids) store.Register(jid, "g" + jid[..3]);
                    var channel = new ScriptedChannel();
                    using var ingest = new NanoClaw.Shell.Ingest.InboundIngest(store.Ingest, ChannelHarness.Log);
                    var announced = new List<(string, string)>();
                    using var _ = ingest.Stored.Subscribe(m => announced.Add((m.ChatJid, m.Id)));
                    ingest.Attach(channel);

                    foreach (var (chat, id) in deliveries) channel.Deliver(chat, id);

                    var expected = deliveries.Where(d => RegisteredJids.Contains(d.Chat)).Distinct().OrderBy(d => d).ToList();
                    var stored = store.Messages().Select(m => (m.ChatJid, m.Id)).OrderBy(d => d).ToList();
                    var knownChats = store.Chats().Select(c => c.Jid).ToHashSet();
                    return stored.SequenceEqual(expected)
                           && announced.OrderBy(d => d).SequenceEqual(expected)
                           && deliveries.All(d => knownChats.Contains(d.Chat));
                }
                finally
                {
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    try { Directory.Delete(root, true); } catch (IOException) { }
                }
            });

    /// <summary>A channel driven by the test: each delivery is a chat-metadata event then a message, as the sidecar sends them.</summary>
    private sealed class ScriptedChannel : IChannel
    {
        private readonly Subject<ChatMessage> messages = new();
        private readonly Subject<Chat> chats = new();

        public void Deliver(string chat, string id)
        {
            chats.OnNext(new Chat(chat, "", "2026-01-31T14:32:00.000Z", Some("whatsapp"), chat.EndsWith("@g.us", StringComparison.Ordinal)));
            messages.OnNext(new ChatMessage(id, chat, "15551234567@s.whatsapp.net", "Alice", "text " + id, "2026-01-31T14:32:00.000Z",
                false, false, None));
        }

        public string Name => "scripted";
        public bool OwnsJid(string jid) => true;
        public bool IsConnected => true;
        public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task SendAsync(string jid, string text, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task SetTypingAsync(string jid, bool typing, CancellationToken cancellationToken) => Task.CompletedTask;
        public IObservable<ChatMessage> Messages => messages;
        public IObservable<Chat> ChatMetadata => chats;
    }
}
