using System.CommandLine;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Ipc;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Setup;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Shell.Cli;

/// <summary>
/// <c>nanoclaw tasks list|pause|resume|cancel|run-now</c>. Every change is decided by <see cref="IpcAuthorizer"/> as if
/// the agent of the acting group had asked (main by default, another group with <c>--as-group</c>), then applied to
/// the store, and a running daemon is told at once.
/// </summary>
public static class TasksCommand
{
    private const string ExitCodes = "Exit codes: 0 ok, 1 refused (unknown task, invalid folder, not allowed), 2 bad config, 3 no store";

    public static Command Build()
    {
        var tasks = new Command("tasks", "Scheduled tasks. " + ExitCodes);
        tasks.Subcommands.Add(List());
        tasks.Subcommands.Add(Change("pause", "Pause a task (kept, not run until resumed)", id => new IpcRequest.PauseTask(id), "Paused"));
        tasks.Subcommands.Add(Change("resume", "Resume a paused task", id => new IpcRequest.ResumeTask(id), "Resumed"));
        tasks.Subcommands.Add(Change("cancel", "Delete a task and its run history", id => new IpcRequest.CancelTask(id), "Cancelled"));
        tasks.Subcommands.Add(RunNow());
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

    private static Command Change(string verb, string description, Func<string, IpcRequest> request, string done)
    {
        var id = IdArgument();
        var asGroup = AsGroupOption();
        var command = new Command(verb, description);
        command.Arguments.Add(id);
        command.Options.Add(asGroup);
        command.SetAction(parse => ShellContext.Run(parse, "tasks " + verb, logToFile: false, context =>
            Decide(context, "tasks " + verb, parse.GetValue(asGroup), parse.GetValue(id)!, request).Match(
                decided =>
                {
                    Apply(decided.Store, decided.Effect);
                    StoreChangeSignal.Touch(context.Options.Paths.DataDir);
                    Console.WriteLine($"{done} task {parse.GetValue(id)}.");
                    return CliExit.Ok;
                },
                exit => exit)));
        return command;
    }

    private static Command RunNow()
    {
        var id = IdArgument();
        var asGroup = AsGroupOption();
        var command = new Command("run-now", "Make an active task due now: a running daemon starts it at once (or at its next start)");
        command.Arguments.Add(id);
        command.Options.Add(asGroup);
        command.SetAction(parse => ShellContext.Run(parse, "tasks run-now", logToFile: false, context =>
        {
            var taskId = parse.GetValue(id)!;
            // Whoever may resume a task may run it: same ownership rule, and a completed task is refused.
            return Decide(context, "tasks run-now", parse.GetValue(asGroup), taskId, t => new IpcRequest.ResumeTask(t)).Match(
                decided =>
                {
                    var task = decided.Store.Tasks.Get(taskId).Match(t => t, () => throw new InvalidOperationException($"task '{taskId}' vanished"));
                    if (task.Status == TaskStatus.Paused)
                        return Fail("tasks run-now", $"task '{taskId}' is paused; resume it first with: nanoclaw tasks resume {taskId}");
                    decided.Store.Tasks.Update(task with { NextRun = Some(IsoTimestamp.From(TimeProvider.System.GetUtcNow())) });
                    StoreChangeSignal.Touch(context.Options.Paths.DataDir);
                    Console.WriteLine($"Task {taskId} is due now; a running daemon starts it at once.");
                    return CliExit.Ok;
                },
                exit => exit);
        }));
        return command;
    }

    private sealed record Decided(NanoClawStore Store, IpcEffect Effect);

    /// <summary>The authorised effect, or the exit code after printing why not.</summary>
    private static Either<int, Decided> Decide(ShellContext context, string command, string? asGroup, string taskId, Func<string, IpcRequest> request)
    {
        if (asGroup is not null && GroupFolder.Validate(asGroup) is { IsLeft: true } invalid) return Fail(command, invalid.Match(_ => "", reason => reason));
        if (ExistingStore.Open(context, command) is not { } store) return CliExit.MissingStore;
        var groups = store.Groups.All();
        var tasks = store.Tasks.ListAll();
        var now = TimeProvider.System.GetUtcNow();
        var acting = asGroup is null
            ? Operator.AsMain(groups, tasks, context.TimeZone, now)
            : Operator.AsGroup(asGroup, groups, tasks, context.TimeZone, now);
        acting = acting with { Limits = context.Options.Tasks };
        return IpcAuthorizer.Authorize(acting, request(taskId)).Match(
            effect => Right<int, Decided>(new Decided(store, effect)),
            reason => Left<int, Decided>(Fail(command, reason)));
    }

    private static void Apply(NanoClawStore store, IpcEffect effect)
    {
        switch (effect)
        {
            case IpcEffect.SetTaskStatus s:
                store.Tasks.SetStatus(s.TaskId, s.Status);
                break;
            case IpcEffect.DeleteTask d:
                store.Tasks.Delete(d.TaskId);
                break;
            default:
                throw new InvalidOperationException($"unexpected decision {effect.GetType().Name}");
        }
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
