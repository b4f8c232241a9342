using System.CommandLine;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Setup;

namespace NanoClaw.Shell.Cli;

/// <summary><c>nanoclaw groups list|register|remove</c>: the chats this installation serves.</summary>
public static class GroupsCommand
{
    public static Command Build()
    {
        var groups = new Command("groups", "Registered groups (the chats the assistant serves). Exit codes: 0 ok, 1 refused or unknown, 2 bad config, 3 no store");
        groups.Subcommands.Add(List());
        groups.Subcommands.Add(Register());
        groups.Subcommands.Add(Remove());
        return groups;
    }

    private static Command List()
    {
        var list = new Command("list", "List registered groups: JID, name, folder and whether it is the main group, and where their container run logs are");
        list.SetAction(parse => ShellContext.Run(parse, "groups list", logToFile: false, context =>
        {
            var groups = context.OpenStore().Groups.All();
            Console.Out.Write(Format(groups));
            // Run logs live where no container can reach them (not under groups/); say where.
            var logs = Path.GetDirectoryName(Path.GetFullPath(context.Options.Logging.File)) ?? "logs";
            Console.Out.WriteLine($"Container run logs: {Path.Combine(logs, "runs")}/<folder>/container-<time>.log");
            return ShellContext.ExitOk;
        }));
        return list;
    }

    private static Command Register()
    {
        var jid = new Option<string>("--jid") { Description = "Chat id, e.g. 120363001@g.us (a group) or 15551234567@s.whatsapp.net (a person)", Required = true };
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var folder = new Option<string>("--folder") { Description = "Folder under groups/: 1-64 letters, digits, '_' or '-' (not 'global')", Required = true };
        var trigger = new Option<string?>("--trigger") { Description = "Trigger word (default: @ and the assistant's name, e.g. @Andy)" };
        var noTrigger = new Option<bool>("--no-trigger") { Description = "Answer every message in this chat, not only those with the trigger" };
        var main = new Option<bool>("--main") { Description = "Make this the main group (your private control chat); only one may exist" };
        var command = new Command("register",
            "Register a chat: validates the folder, creates groups/<folder>/logs and the memory file groups/<folder>/CLAUDE.md. " +
            "Creates the store if there is none yet. Same rules as the main agent's register_group tool.");
        foreach (var o in new Option[] { jid, name, folder, trigger, noTrigger, main }) command.Options.Add(o);
        command.SetAction(parse => ShellContext.Run(parse, "groups register", logToFile: false, context =>
        {
            var store = context.OpenStore();
            var request = new RegistrationRequest(parse.GetValue(jid)!.Trim(), parse.GetValue(name)!.Trim(), parse.GetValue(folder)!,
                parse.GetValue(trigger) ?? "@" + context.Options.Assistant.Name, !parse.GetValue(noTrigger), parse.GetValue(main));
            var decided = GroupRegistration.Decide(store.Groups.All(), request, context.TimeZone, TimeProvider.System.GetUtcNow())
                .Bind(group => store.Groups.Upsert(group).Map(_ => group));
            return decided.Match(
                group =>
                {
                    var dir = GroupFiles.Ensure(context.Options.Paths.GroupsDir, group, context.Options.Assistant.Name);
                    Console.WriteLine($"Registered {group.Name} ({group.Jid}) in {dir}{(group.IsMain ? " as the main group" : "")}.");
                    Console.WriteLine(group.IsMain || !group.RequiresTrigger
                        ? "It answers every message. A running daemon picks the change up within a few seconds."
                        : $"It answers messages starting with {group.Trigger}. A running daemon picks the change up within a few seconds.");
                    return ShellContext.ExitOk;
                },
                reason =>
                {
                    Console.Error.WriteLine($"nanoclaw groups register: {reason}");
                    return ShellContext.ExitError;
                });
        }));
        return command;
    }

    private static Command Remove()
    {
        var jid = new Option<string>("--jid") { Description = "Chat id of the group to remove", Required = true };
        var command = new Command("remove", "Stop serving a chat. Its folder, memory and logs under groups/ are kept; register it again to resume");
        command.Options.Add(jid);
        command.SetAction(parse => ShellContext.Run(parse, "groups remove", logToFile: false, context =>
        {
            if (ExistingStore.Open(context, "groups remove") is not { } store) return CliExit.MissingStore;
            var target = parse.GetValue(jid)!.Trim();
            var existing = store.Groups.Get(target);
            if (existing.IsNone || !store.Groups.Remove(target))
            {
                Console.Error.WriteLine($"nanoclaw groups remove: no registered group with chat id '{target}' (see: nanoclaw groups list)");
                return ShellContext.ExitError;
            }
            var group = existing.Match(g => g, () => throw new InvalidOperationException());
            Console.WriteLine($"Removed {group.Name} ({group.Jid}); its folder groups/{group.Folder} is kept.");
            if (group.IsMain) Console.WriteLine("That was the main group: register another with: nanoclaw groups register --main ...");
            return ShellContext.ExitOk;
        }));
        return command;
    }

    /// <summary>An aligned table with a header, or a one-line note when there are none.</summary>
    internal static string Format(IEnumerable<RegisteredGroup> groups) =>
        Table.Format(["JID", "NAME", "FOLDER", "MAIN"],
            groups.Select(g => new[] { g.Jid, g.Name, g.Folder, g.IsMain ? "yes" : "no" }), "No registered groups.");
}
