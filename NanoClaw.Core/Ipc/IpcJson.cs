using System.Text;
using System.Text.Json;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Scheduling;

namespace NanoClaw.Core.Ipc;

/// <summary>Writes requests in the IPC wire format, for agents (the in-container tools) and tests; <see cref="IpcParser"/> reads them back.</summary>
public static class IpcJson
{
    /// <summary>The request as the JSON text of its IPC file (strings must be valid UTF-16).</summary>
    public static string Serialize(IpcRequest request)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", request.Type);
            switch (request)
            {
                case IpcRequest.SendMessage m:
                    w.WriteString("chatJid", m.ChatJid);
                    w.WriteString("text", m.Text);
                    m.Sender.IfSome(s => w.WriteString("sender", s));
                    break;
                case IpcRequest.SendFile f:
                    w.WriteString("chatJid", f.ChatJid);
                    w.WriteString("path", f.Path.ContainerPath);
                    f.Caption.IfSome(c => w.WriteString("caption", c));
                    break;
                case IpcRequest.ScheduleTask t:
                    w.WriteString("prompt", t.Prompt);
                    w.WriteString("schedule_type", ScheduleRules.Name(t.ScheduleType));
                    w.WriteString("schedule_value", t.ScheduleValue);
                    w.WriteString("context_mode", t.ContextMode == Domain.ContextMode.Group ? "group" : "isolated");
                    w.WriteString("targetJid", t.TargetJid);
                    t.Script.IfSome(s => w.WriteString("script", s));
                    break;
                case IpcRequest.PauseTask p:
                    w.WriteString("taskId", p.TaskId);
                    break;
                case IpcRequest.ResumeTask r:
                    w.WriteString("taskId", r.TaskId);
                    break;
                case IpcRequest.CancelTask c:
                    w.WriteString("taskId", c.TaskId);
                    break;
                case IpcRequest.UpdateTask u:
                    w.WriteString("taskId", u.TaskId);
                    u.Prompt.IfSome(p => w.WriteString("prompt", p));
                    u.ScheduleType.IfSome(t => w.WriteString("schedule_type", ScheduleRules.Name(t)));
                    u.ScheduleValue.IfSome(v => w.WriteString("schedule_value", v));
                    u.Script.IfSome(s => w.WriteString("script", s));
                    break;
                case IpcRequest.RegisterGroup g:
                    w.WriteString("jid", g.Jid);
                    w.WriteString("name", g.Name);
                    w.WriteString("folder", g.Folder);
                    w.WriteString("trigger", g.Trigger);
                    w.WriteBoolean("requiresTrigger", g.RequiresTrigger);
                    g.ContainerConfig.IfSome(c =>
                    {
                        w.WritePropertyName("containerConfig");
                        ContainerConfigJson.Write(w, c);
                    });
                    break;
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
