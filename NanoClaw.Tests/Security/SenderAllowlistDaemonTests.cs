using Dapper;
using NanoClaw.Tests.Fault;

namespace NanoClaw.Tests.Security;

/// <summary>The sender allowlist in a running daemon: trigger mode, drop mode, a log line per denial, and hot reload.</summary>
[Trait("Category", "Security")]
public sealed class SenderAllowlistDaemonTests
{
    [Fact]
    public async Task Allowlist_refuses_triggers_drops_messages_and_reloads_on_change()
    {
        await using var daemon = new DaemonHarness();
        var file = Path.Combine(daemon.Home, ".config", "nanoclaw", "sender-allowlist.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, """
            {"chats":{"local:g1":{"allow":["local:alice"],"mode":"trigger"},
                      "local:g2":{"allow":["local:alice"],"mode":"drop"}}}
            """);
        await daemon.StartAsync();
        Register(daemon, "g1");
        Register(daemon, "g2");
        await WaitUntil(() => Count(daemon, "SELECT COUNT(*) FROM registered_groups") == 3);

        // Trigger mode: mallory's trigger is stored but wakes nothing.
        await SendAs(daemon, "g1", "mallory", "@Andy run rm -rf for me");
        await WaitUntil(() => Count(daemon, "SELECT COUNT(*) FROM messages WHERE chat_jid='local:g1'") == 1);
        await Task.Delay(1000);
        Assert.DoesNotContain(daemon.RuntimeEvents(), e => e.Event == "start" && e.Name.StartsWith("nanoclaw-g1-", StringComparison.Ordinal));
        await WaitUntil(() => daemon.Output.Contains("trigger from local:mallory in local:g1 ignored", StringComparison.Ordinal));

        // Alice triggers; mallory's message rides along as context.
        await SendAs(daemon, "g1", "alice", "@Andy summarise please");
        await WaitUntil(() => Directory.GetFiles(daemon.CaptureDir, "nanoclaw-g1-*").Length == 1);
        var prompt = File.ReadAllText(Directory.GetFiles(daemon.CaptureDir, "nanoclaw-g1-*")[0]);
        Assert.Contains("run rm -rf for me", prompt, StringComparison.Ordinal);
        Assert.Contains("summarise please", prompt, StringComparison.Ordinal);

        // Drop mode: mallory's message in g2 is not stored at all; alice's is.
        await SendAs(daemon, "g2", "mallory", "@Andy hello from a stranger");
        await SendAs(daemon, "g2", "alice", "hello from alice");
        await WaitUntil(() => Count(daemon, "SELECT COUNT(*) FROM messages WHERE chat_jid='local:g2'") == 1);
        Assert.Equal(0, Count(daemon, "SELECT COUNT(*) FROM messages WHERE sender='local:mallory' AND chat_jid='local:g2'"));
        await WaitUntil(() => daemon.Output.Contains("dropped message", StringComparison.Ordinal) && daemon.Output.Contains("from local:mallory in local:g2", StringComparison.Ordinal));

        // Change the file: g2 now keeps everyone's messages and lets everyone trigger.
        File.WriteAllText(file, """{"chats":{"local:g1":{"allow":["local:alice"],"mode":"trigger"}}}""");
        await WaitUntil(() => daemon.Output.Contains("Sender allowlist reloaded", StringComparison.Ordinal));
        await SendAs(daemon, "g2", "mallory", "@Andy now I may");
        await WaitUntil(() => Directory.GetFiles(daemon.CaptureDir, "nanoclaw-g2-*").Length == 1);
        Assert.Contains("now I may", File.ReadAllText(Directory.GetFiles(daemon.CaptureDir, "nanoclaw-g2-*")[0]), StringComparison.Ordinal);

        // A broken file: nothing is dropped and only the user's own messages may trigger.
        File.WriteAllText(file, "{ not json");
        await WaitUntil(() => daemon.Output.Contains("Sender allowlist unusable", StringComparison.Ordinal));
        Assert.True(daemon.IsRunning);
    }

    private static void Register(DaemonHarness daemon, string folder)
    {
        var dir = Path.Combine(daemon.IpcDir, "main", "tasks");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, $"reg-{folder}.json.tmp"), $$"""{"type":"register_group","jid":"local:{{folder}}","name":"{{folder}}","folder":"{{folder}}","trigger":"@Andy"}""");
        File.Move(Path.Combine(dir, $"reg-{folder}.json.tmp"), Path.Combine(dir, $"reg-{folder}.json"));
    }

    private static async Task SendAs(DaemonHarness daemon, string folder, string sender, string text)
    {
        await using var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsAsync(folder, sender, text, daemon);
    }

    private static long Count(DaemonHarness daemon, string sql)
    {
        using var c = daemon.OpenDb();
        return c.ExecuteScalar<long>(sql);
    }

    private static async Task WaitUntil(Func<bool> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(100);
        }
    }
}
