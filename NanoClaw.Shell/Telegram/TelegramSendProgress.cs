using System.Globalization;
using System.Text.Json;

namespace NanoClaw.Shell.Telegram;

/// <summary>
/// How many parts of an outbox row Telegram has accepted (a long reply is several messages; a file with a long caption
/// is the file and then the caption's messages). A retry starts at the first part not accepted, so no part is sent
/// twice after a failure mid-way.
/// </summary>
public interface ITelegramSendProgress
{
    /// <summary>Parts of row <paramref name="id"/> already accepted (0 when none).</summary>
    int Sent(long id);

    /// <summary>Records that <paramref name="sent"/> parts of row <paramref name="id"/> were accepted. Durable when this returns.</summary>
    void Record(long id, int sent);

    /// <summary>The row left the outbox: its progress is no longer needed.</summary>
    void Forget(long id);
}

/// <summary>Progress in memory (tests, and a channel not given the store's).</summary>
public sealed class MemorySendProgress : ITelegramSendProgress
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, int> sent = new();

    public int Sent(long id) => sent.TryGetValue(id, out var n) ? n : 0;
    public void Record(long id, int count) => sent[id] = count;
    public void Forget(long id) => sent.TryRemove(id, out _);
}

/// <summary>
/// Progress in the store's <c>router_state</c> (key <c>telegram_outbox_progress</c>, a JSON object row id → parts
/// accepted), so it survives a restart without a migration. Only rows part-way through are in it: few and small.
/// </summary>
public sealed class StoreTelegramSendProgress(Store.NanoClawStore store) : ITelegramSendProgress
{
    public const string Key = "telegram_outbox_progress";
    private readonly Lock gate = new();

    public int Sent(long id)
    {
        lock (gate) return Load().TryGetValue(Name(id), out var n) ? n : 0;
    }

    public void Record(long id, int sent)
    {
        lock (gate)
        {
            var all = Load();
            all[Name(id)] = sent;
            Save(all);
        }
    }

    public void Forget(long id)
    {
        lock (gate)
        {
            var all = Load();
            if (all.Remove(Name(id))) Save(all);
        }
    }

    private static string Name(long id) => id.ToString(CultureInfo.InvariantCulture);

    private Dictionary<string, int> Load()
    {
        if (store.RouterState.Get(Key).Case is not string json || json.Length == 0) return new(StringComparer.Ordinal);
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? new(StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            // Unreadable progress: start rows from their first part (a possible repeat beats a loss).
            return new(StringComparer.Ordinal);
        }
    }

    private void Save(Dictionary<string, int> all) => store.RouterState.Set(Key, JsonSerializer.Serialize(all));
}
