using System.Text.Json;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Scheduling;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Ipc;

/// <summary>
/// Reads IPC files (SPEC §8) into typed requests. Total: any text gives a request or a precise reason, never an
/// exception. Unknown extra fields are ignored (NanoClaw's agents also write <c>groupFolder</c>, <c>timestamp</c>, …;
/// any identity claimed inside a file is ignored: the directory is the identity). Limits are in <see cref="IpcLimits"/>.
/// </summary>
public static class IpcParser
{
    /// <summary>Parses a <c>messages/*.json</c> file: <c>{type:"message", chatJid, text, sender?}</c> or <c>{type:"send_file", chatJid, path, caption?}</c>.</summary>
    public static Either<string, IpcRequest> ParseMessage(string? json) =>
        JsonFields.ReadObject(json, IpcLimits.MaxFileChars, root =>
            TypeOf(root).Bind(type => type switch
            {
                IpcTypes.Message => Message(root),
                IpcTypes.SendFile => SendFile(root),
                _ => Left<string, IpcRequest>($"unknown type '{type}' (message files must have type 'message' or 'send_file')"),
            }));

    /// <summary>Parses a <c>tasks/*.json</c> file, dispatching on its <c>type</c>.</summary>
    public static Either<string, IpcRequest> ParseTask(string? json) =>
        JsonFields.ReadObject(json, IpcLimits.MaxFileChars, root =>
            TypeOf(root).Bind(type => type switch
            {
                IpcTypes.ScheduleTask => ScheduleTask(root),
                IpcTypes.PauseTask => TaskId(root).Map(id => (IpcRequest)new IpcRequest.PauseTask(id)),
                IpcTypes.ResumeTask => TaskId(root).Map(id => (IpcRequest)new IpcRequest.ResumeTask(id)),
                IpcTypes.CancelTask => TaskId(root).Map(id => (IpcRequest)new IpcRequest.CancelTask(id)),
                IpcTypes.UpdateTask => UpdateTask(root),
                IpcTypes.RefreshGroups => Right<string, IpcRequest>(new IpcRequest.RefreshGroups()),
                IpcTypes.RegisterGroup => RegisterGroup(root),
                _ => Left<string, IpcRequest>($"unknown type '{type}'"),
            }));

    private static Either<string, string> TypeOf(JsonElement root) =>
        JsonFields.RequiredString(root, "type", 64);

    private static Either<string, IpcRequest> Message(JsonElement root) =>
        from chatJid in JsonFields.RequiredString(root, "chatJid", IpcLimits.MaxIdChars)
        from text in JsonFields.RequiredString(root, "text", IpcLimits.MaxTextChars)
        from sender in JsonFields.OptionalString(root, "sender", IpcLimits.MaxNameChars)
        select (IpcRequest)new IpcRequest.SendMessage(chatJid, text, sender.Filter(s => !string.IsNullOrWhiteSpace(s)));

    private static Either<string, IpcRequest> SendFile(JsonElement root) =>
        from chatJid in JsonFields.RequiredString(root, "chatJid", IpcLimits.MaxIdChars)
        from pathText in JsonFields.RequiredString(root, "path", Media.OutboundFilePath.MaxChars)
        from path in Media.OutboundFilePath.Parse(pathText)
        from caption in JsonFields.OptionalString(root, "caption", IpcLimits.MaxCaptionChars)
        select (IpcRequest)new IpcRequest.SendFile(chatJid, path, caption.Filter(c => !string.IsNullOrWhiteSpace(c)));

    private static Either<string, IpcRequest> ScheduleTask(JsonElement root) =>
        from prompt in JsonFields.RequiredString(root, "prompt", IpcLimits.MaxTextChars)
        from typeText in JsonFields.RequiredString(root, "schedule_type", 32)
        from type in ScheduleRules.ParseType(typeText)
        from value in JsonFields.OptionalStringOrNumber(root, "schedule_value", IpcLimits.MaxScheduleValueChars)
        from nonEmptyValue in value.Filter(v => !string.IsNullOrWhiteSpace(v)).ToEither("'schedule_value' must be a non-empty string")
        from mode in ContextModeOf(root)
        from target in JsonFields.RequiredString(root, "targetJid", IpcLimits.MaxIdChars)
        from script in JsonFields.OptionalString(root, "script", IpcLimits.MaxScriptChars)
        select (IpcRequest)new IpcRequest.ScheduleTask(prompt, type, nonEmptyValue.Trim(), mode, target, script.Filter(s => !string.IsNullOrWhiteSpace(s)));

    private static Either<string, ContextMode> ContextModeOf(JsonElement root) =>
        JsonFields.OptionalString(root, "context_mode", 32).Bind(mode => mode.Match(
            m => m.Trim().ToLowerInvariant() switch
            {
                "group" => Right<string, ContextMode>(ContextMode.Group),
                "isolated" => Right<string, ContextMode>(ContextMode.Isolated),
                _ => Left<string, ContextMode>($"'context_mode' must be 'group' or 'isolated', not '{m}'"),
            },
            () => Right<string, ContextMode>(ContextMode.Isolated)));

    private static Either<string, string> TaskId(JsonElement root) =>
        JsonFields.RequiredString(root, "taskId", IpcLimits.MaxIdChars);

    private static Either<string, IpcRequest> UpdateTask(JsonElement root) =>
        from id in TaskId(root)
        from prompt in JsonFields.OptionalNonEmptyString(root, "prompt", IpcLimits.MaxTextChars)
        from typeText in JsonFields.OptionalNonEmptyString(root, "schedule_type", 32)
        from type in typeText.Match(
            t => ScheduleRules.ParseType(t).Map(Some),
            () => Right<string, Option<ScheduleType>>(None))
        from value in JsonFields.OptionalStringOrNumber(root, "schedule_value", IpcLimits.MaxScheduleValueChars)
        from checkedValue in value.Match(
            v => string.IsNullOrWhiteSpace(v) ? Left<string, Option<string>>("'schedule_value' must be a non-empty string") : Right<string, Option<string>>(Some(v.Trim())),
            () => Right<string, Option<string>>(None))
        from script in JsonFields.OptionalString(root, "script", IpcLimits.MaxScriptChars)
        select (IpcRequest)new IpcRequest.UpdateTask(id, prompt, type, checkedValue) { Script = script };

    private static Either<string, IpcRequest> RegisterGroup(JsonElement root) =>
        from jid in JsonFields.RequiredString(root, "jid", IpcLimits.MaxIdChars)
        from name in JsonFields.RequiredString(root, "name", IpcLimits.MaxNameChars)
        from folderText in JsonFields.RequiredString(root, "folder", IpcLimits.MaxNameChars)
        from folder in GroupFolder.Validate(folderText)
        from trigger in JsonFields.RequiredString(root, "trigger", IpcLimits.MaxNameChars)
        from requiresTrigger in JsonFields.OptionalBool(root, "requiresTrigger", true)
        from config in JsonFields.Field(root, "containerConfig").Match(
            c => ContainerConfigJson.FromElement(c).Map(Some),
            () => Right<string, Option<ContainerConfig>>(None))
        select (IpcRequest)new IpcRequest.RegisterGroup(jid, name, folder, trigger, requiresTrigger, config);
}
