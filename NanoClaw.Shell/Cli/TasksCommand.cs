using System.CommandLine;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Ipc;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Scheduling;
using NanoClaw.Shell.Setup;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Cli;

/// <summary>
/// <c>nanoclaw tasks list|pause|resume|cancel|run-now</c>. Every change goes through <see cref="TaskActions"/> (decided
/// by <see cref="IpcAuthorizer"/> as if the agent of the acting group had asked: main by default, another group with
/// <c>--as-group</c>; the dashboard's buttons take the same path), and a running daemon is told at once.
/// </summary>
public static class TasksCommand
{
    private const string ExitCodes = "Exit codes: 0 ok, 1 refused (unknown task, invalid folder, not allowed), 2 bad config, 3 no store";

    public static Command Build()
    {
        var tasks = new Command("tasks", "Scheduled tasks. " + ExitCodes);
        tasks.Subcommands.Add(List());
        tasks.Subcommands.Add(Change("pause", "Pause a task (kept, not run until resumed)", TaskAction.Pause));
        tasks.Subcommands.Add(Change("resume", "Resume a paused task", TaskAction.Resume));
        tasks.Subcommands.Add(Change("cancel", "Delete a task and its run history", TaskAction.Cancel));
        tasks.Subcommands.Add(Change("run-now", "Make an active task due now: a running daemon starts it at once (or at its next start)", TaskAction.RunNow));
        return tasks;
    }

    private static Command List()
    {
        var group = new System.CommandLine.Option<string?>("--group") { Description = "Only this group's tasks (its folder name)" };
        var command = new Command("list", "List scheduled tasks: id, group, status, schedule, next run (UTC) and prompt");
        command.Options.Add(group);
        command.SetAction(parse => ShellContext.Run(parse, "tasks list", logToFile: false, context =>
        {
            var folder = parse.GetValue(group);
            if (folder is not null && GroupFolder.Validate(folder) is { IsLeft: true } invalid)
                return Fail("tasks list", invalid.Match(_ => "", reason => reason));
            if (ExistingStore.Open(context, "tasks list") is not { } store) return CliExit.MissingStore;
            Console.Out.Write(Format(folder is null ? store.Tasks.ListAll() : store.Tasks.ListByGroup(folder)));
            return CliExit.Ok;
        }));
        return command;
    }

    private static System.CommandLine.Option<string?> AsGroupOption() => new("--as-group")
    {
        Description = "Act with this group's rights, as its agent would (default: the main group, which may change any task)",
    };

    private static Argument<string> IdArgument() => new("id") { Description = "Task id (see: nanoclaw tasks list)" };

    private static Command Change(string verb, string description, TaskAction action)
    {
        var id = IdArgument();
        var asGroup = AsGroupOption();
        var command = new Command(verb, description);
        command.Arguments.Add(id);
        command.Options.Add(asGroup);
        command.SetAction(parse => ShellContext.Run(parse, "tasks " + verb, logToFile: false, context =>
        {
            var folder = parse.GetValue(asGroup);
            if (folder is not null && GroupFolder.Validate(folder) is { IsLeft: true } invalid) return Fail("tasks " + verb, invalid.Match(_ => "", reason => reason));
            if (ExistingStore.Open(context, "tasks " + verb) is not { } store) return CliExit.MissingStore;
            return TaskActions.Perform(store, context.Options.Tasks, context.TimeZone, TimeProvider.System.GetUtcNow(), Optional(folder),
                    parse.GetValue(id)!, action)
                .Match(
                    done =>
                    {
                        StoreChangeSignal.Touch(context.Options.Paths.DataDir);
                        Console.WriteLine(done);
                        return CliExit.Ok;
                    },
                    reason => Fail("tasks " + verb, reason));
        }));
        return command;
    }

    private static int Fail(string command, string reason)
    {
        Console.Error.WriteLine($"nanoclaw {command}: {reason}");
        return CliExit.Error;
    }

    /// <summary>The task table, or a note when there are none.</summary>
    internal static string Format(Seq<ScheduledTask> tasks) =>
        Table.Format(["ID", "GROUP", "STATUS", "SCHEDULE", "NEXT RUN", "PROMPT"],
            tasks.Select(t => new[]
            {
                t.Id, t.GroupFolder, t.Status.ToString().ToLowerInvariant(),
                $"{t.ScheduleType.ToString().ToLowerInvariant()} {t.ScheduleValue}", t.NextRun.IfNone("-"), OneLine(t.Prompt, 60),
            }),
            "No scheduled tasks.");

    private static string OneLine(string text, int max)
    {
        var line = string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }
}
