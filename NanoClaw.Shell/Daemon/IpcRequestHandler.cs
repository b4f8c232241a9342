using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Ipc;
using NanoClaw.Core.Scheduling;
using NanoClaw.Shell.Ipc;
using NanoClaw.Shell.Store;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// Turns one IPC request file into an effect: the core parses and authorises it (the folder the file was found in
/// is the sender's identity), this class performs what was allowed. Returns the refusal reason, or null.
/// </summary>
public sealed class IpcRequestHandler
{
    private readonly NanoClawStore store;
    private readonly OutboundRouter outbound;
    private readonly TimeProvider clock;
    private readonly TimeZoneInfo zone;
    private readonly string groupsDir;
    private readonly Func<string, Option<string>> prepare;
    private readonly Action groupsChanged;
    private readonly Action tasksChanged;
    private readonly Func<Task> refreshGroups;
    private readonly ILogger log;

    public IpcRequestHandler(NanoClawStore store, OutboundRouter outbound, TimeProvider clock, TimeZoneInfo zone, string groupsDir,
        Func<string, Option<string>> prepare, Action groupsChanged, Action tasksChanged, Func<Task> refreshGroups, ILogger log)
    {
        this.store = store;
        this.outbound = outbound;
        this.clock = clock;
        this.zone = zone;
        this.groupsDir = groupsDir;
        this.prepare = prepare;
        this.groupsChanged = groupsChanged;
        this.tasksChanged = tasksChanged;
        this.refreshGroups = refreshGroups;
        this.log = log;
    }

    /// <summary>The data directory: <c>media/&lt;folder&gt;</c> is read for send_file, <c>outbox-files/</c> holds the copies.</summary>
    public string? DataDir { get; init; }

    /// <summary>Largest file send_file accepts (<c>media.max_send_mb</c>).</summary>
    public long MaxSendBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Caps on task spacing and active tasks per group (<c>tasks.*</c> in config.yml).</summary>
    public TaskLimits TaskLimits { get; init; } = TaskLimits.Default;

    public async Task<string?> HandleAsync(IpcFile file, string text)
    {
        var request = file.Directory == IpcDirectory.Messages ? IpcParser.ParseMessage(text) : IpcParser.ParseTask(text);
        var groups = store.Groups.All();
        var context = new IpcContext(
            file.SourceFolder,
            groups.Exists(g => g.Folder == file.SourceFolder && g.IsMain),
            toMap(groups.Map(g => (g.Jid, g))),
            toMap(store.Tasks.ListAll().Map(t => (t.Id, t))),
            zone,
            clock.GetUtcNow(),
            NewTaskId()) { Limits = TaskLimits };
        var decision = request.Bind(r => IpcAuthorizer.Authorize(context, r).Map(effect => (Request: r, Effect: effect)));
        if (decision.Case is string reason)
        {
            log.Warning("IPC request from {Folder} refused: {Reason}", file.SourceFolder, reason);
            return reason;
        }
        var (_, effect) = ((IpcRequest, IpcEffect))decision.Case!;
        log.Information("IPC {Effect} from {Folder}", effect.GetType().Name, file.SourceFolder);
        return await PerformAsync(effect, file.SourceFolder);
    }

    private string NewTaskId() => $"task-{clock.GetUtcNow().ToUnixTimeMilliseconds()}-{Guid.NewGuid().ToString("N")[..6]}";

    private async Task<string?> PerformAsync(IpcEffect effect, string sourceFolder)
    {
        switch (effect)
        {
            case IpcEffect.SendText send:
                // Agent text: <internal> blocks removed and the bot prefix added, as for any agent output.
                if (prepare(send.Text).Case is string text) await outbound.SendAsync(send.Jid, text);
                return null;
            case IpcEffect.SendFile send:
                return await SendFileAsync(sourceFolder, send);
            case IpcEffect.CreateTask create:
                if (!store.Tasks.Create(create.Task)) return $"task {create.Task.Id} could not be stored";
                tasksChanged();
                return null;
            case IpcEffect.SetTaskStatus status:
                store.Tasks.SetStatus(status.TaskId, status.Status);
                tasksChanged();
                return null;
            case IpcEffect.DeleteTask delete:
                store.Tasks.Delete(delete.TaskId);
                tasksChanged();
                return null;
            case IpcEffect.ReplaceTask replace:
                store.Tasks.Update(replace.Task);
                tasksChanged();
                return null;
            case IpcEffect.RefreshGroups:
                await refreshGroups();
                return null;
            case IpcEffect.RegisterGroup register:
                return Register(register.Group);
            default:
                return $"unsupported effect {effect.GetType().Name}";
        }
    }

    /// <summary>
    /// Reads the file with the sandbox's rules, copies it into the host-owned <c>data/outbox-files/</c> (so the agent
    /// cannot change it after this point), sniffs its MIME type from the bytes, and queues it on the chat's channel.
    /// </summary>
    private async Task<string?> SendFileAsync(string sourceFolder, IpcEffect.SendFile send)
    {
        var dataDir = DataDir ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(groupsDir))!, "data");
        var rootDir = send.Path.Root == Core.Media.FileRoot.Group
            ? Path.Combine(groupsDir, sourceFolder)
            : Path.Combine(dataDir, "media", sourceFolder);
        var (bytes, refusal) = AgentFileReader.Read(rootDir, send.Path, MaxSendBytes);
        if (bytes is null)
        {
            log.Warning("send_file from {Folder} refused: {Reason}", sourceFolder, refusal);
            return $"refused: {refusal}";
        }
        var mime = Core.Media.MimeSniffer.Sniff(bytes);
        var copies = Path.Combine(dataDir, "outbox-files");
        var name = Guid.NewGuid().ToString("N");
        using (var dir = SafeFs.SafeDirectory.OpenOrCreate(copies, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute))
            dir.CreateFile(name, bytes, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var copy = Path.Combine(copies, name);
        var caption = send.Caption.Bind(c => prepare(c));
        // WhatsApp audio has no caption: audio with one goes as a document, so the text is not lost.
        var kind = Core.Media.MimeSniffer.KindOf(mime) is var k && k == Core.Media.MediaKind.Audio && caption.IsSome ? Core.Media.MediaKind.Document : Core.Media.MimeSniffer.KindOf(mime);
        var reason = await outbound.SendFileAsync(send.Jid, new Core.Channels.OutgoingFile(
            copy, mime, kind, AgentFileReader.DisplayName(send.Path), caption));
        if (reason is not null)
        {
            File.Delete(copy);
            return reason;
        }
        log.Information("send_file from {Folder}: {Bytes} bytes ({Mime}) queued for {Jid}", sourceFolder, bytes.Length, mime, send.Jid);
        return null;
    }

    private string? Register(RegisteredGroup group)
    {
        var stored = store.Groups.Upsert(group);
        if (stored.Case is string reason) return reason;
        Directory.CreateDirectory(Path.Combine(groupsDir, group.Folder, "logs"));
        log.Information("Registered group {Name} ({Jid}) in folder {Folder}", group.Name, group.Jid, group.Folder);
        groupsChanged();
        return null;
    }
}
