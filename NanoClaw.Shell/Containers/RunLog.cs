using System.Globalization;
using System.Text;
using LanguageExt;
using NanoClaw.Core.Containers;

namespace NanoClaw.Shell.Containers;

/// <summary>What one run's log file records.</summary>
internal sealed record RunLogEntry(
    DateTimeOffset StartedAt,
    string GroupName,
    string Folder,
    bool IsMain,
    string ContainerName,
    string CommandLine,
    Seq<VolumeMount> Mounts,
    Seq<string> RejectedMounts,
    ContainerRunResult Result,
    string Input,
    string Stdout,
    bool StdoutTruncated,
    string Stderr,
    bool StderrTruncated);

/// <summary>
/// Writes <c>groups/&lt;folder&gt;/logs/container-&lt;timestamp&gt;.log</c>: always duration, exit code and mounts; the full
/// input, stdout and stderr only when the run failed or debug logging is on. Every secret is removed before the
/// text reaches the disk.
/// </summary>
internal static class RunLog
{
    public static string FileName(DateTimeOffset startedAt) =>
        "container-" + startedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss-fff'Z'", CultureInfo.InvariantCulture) + ".log";

    public static string Render(RunLogEntry e, bool verbose)
    {
        var r = e.Result;
        var text = new StringBuilder()
            .AppendLine("=== Container Run Log ===")
            .AppendLine($"Started: {NanoClaw.Core.Domain.IsoTimestamp.From(e.StartedAt)}")
            .AppendLine($"Group: {e.GroupName} ({e.Folder}){(e.IsMain ? " [main]" : "")}")
            .AppendLine($"Container: {e.ContainerName}")
            .AppendLine($"Duration: {r.Duration.TotalMilliseconds:0} ms")
            .AppendLine($"Exit code: {r.ExitCode}")
            .AppendLine($"Timed out: {r.TimedOut}")
            .AppendLine($"Had output: {r.HadOutput}")
            .AppendLine($"Status: {(r.Status == OutputStatus.Success ? "success" : "error")}{r.Error.Map(x => " — " + x).IfNone("")}")
            .AppendLine($"Stdout truncated: {e.StdoutTruncated}")
            .AppendLine($"Stderr truncated: {e.StderrTruncated}")
            .AppendLine()
            .AppendLine("=== Mounts ===");
        foreach (var m in e.Mounts) text.AppendLine($"{m.HostPath} -> {m.ContainerPath}{(m.ReadOnly ? " (ro)" : "")}");
        if (!e.RejectedMounts.IsEmpty)
        {
            text.AppendLine().AppendLine("=== Rejected mounts ===");
            foreach (var m in e.RejectedMounts) text.AppendLine(m);
        }
        if (verbose || r.Status == OutputStatus.Error)
        {
            text.AppendLine().AppendLine("=== Command ===").AppendLine(e.CommandLine)
                .AppendLine().AppendLine("=== Input ===").AppendLine(e.Input)
                .AppendLine().AppendLine($"=== Stderr{(e.StderrTruncated ? " (truncated)" : "")} ===").AppendLine(e.Stderr)
                .AppendLine().AppendLine($"=== Stdout{(e.StdoutTruncated ? " (truncated)" : "")} ===").AppendLine(e.Stdout);
        }
        return text.ToString();
    }

    /// <summary>The input as logged: every secret value replaced even before the general redactor runs.</summary>
    public static string SafeInput(ContainerInput input) =>
        ContainerJson.Serialize(input with { Secrets = input.Secrets.Map((string _) => "[REDACTED]") });
}
