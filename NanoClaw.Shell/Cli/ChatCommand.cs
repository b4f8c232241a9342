using System.CommandLine;
using NanoClaw.Shell.LocalChat;

namespace NanoClaw.Shell.Cli;

/// <summary>
/// <c>nanoclaw chat [--group FOLDER] [MESSAGE]</c>: talk to a group through the running daemon.
/// With a message it prints the replies and exits once the agent stops typing; without one it is interactive.
/// </summary>
public static class ChatCommand
{
    public static Command Build(Func<ParseResult, string> socketPathFor)
    {
        var group = new Option<string>("--group", "-g") { Description = "Folder of the group to talk to", DefaultValueFactory = _ => "main" };
        var wait = new Option<int>("--timeout") { Description = "Seconds to wait for the reply to a one-shot message", DefaultValueFactory = _ => 600 };
        var message = new Argument<string?>("message") { Description = "Message to send (interactive when omitted)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("chat", "Send a message to a group through the running daemon and print the replies");
        command.Options.Add(group);
        command.Options.Add(wait);
        command.Arguments.Add(message);
        command.SetAction(async (parse, token) =>
        {
            try
            {
                await using var client = await LocalChatClient.ConnectAsync(socketPathFor(parse), token);
                var folder = parse.GetValue(group)!;
                var text = parse.GetValue(message);
                return text is null
                    ? await InteractiveAsync(client, folder, token)
                    : await OneShotAsync(client, folder, text, TimeSpan.FromSeconds(parse.GetValue(wait)), token);
            }
            catch (LocalChatUnavailableException e)
            {
                Console.Error.WriteLine($"nanoclaw chat: {e.Message}");
                return 3;
            }
        });
        return command;
    }

    private static async Task<int> OneShotAsync(LocalChatClient client, string folder, string text, TimeSpan timeout, CancellationToken token)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
        limit.CancelAfter(timeout);
        await client.SendAsync(folder, text, limit.Token);
        var replied = false;
        try
        {
            while (await client.ReadAsync(limit.Token) is { } frame)
            {
                switch (frame.Type)
                {
                    case "error":
                        Console.Error.WriteLine($"nanoclaw chat: {frame.Text}");
                        return 1;
                    case "reply":
                        Console.WriteLine(frame.Text);
                        replied = true;
                        break;
                    case "typing" when frame.On == false && replied:
                        return 0;
                }
            }
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            if (replied) return 0;
            Console.Error.WriteLine($"nanoclaw chat: no reply within {timeout.TotalSeconds:0} s");
            return 4;
        }
        return replied ? 0 : 1;
    }

    private static async Task<int> InteractiveAsync(LocalChatClient client, string folder, CancellationToken token)
    {
        Console.WriteLine($"Talking to '{folder}'. Type a message and press Enter; Ctrl+D to quit.");
        var printer = Task.Run(async () =>
        {
            while (await client.ReadAsync(token) is { } frame)
            {
                if (frame.Type == "reply") Console.WriteLine($"< {frame.Text}");
                else if (frame.Type == "error") Console.Error.WriteLine($"! {frame.Text}");
            }
        }, token);
        while (Console.ReadLine() is { } line)
        {
            if (line.Trim().Length > 0) await client.SendAsync(folder, line, token);
        }
        return 0;
    }
}
