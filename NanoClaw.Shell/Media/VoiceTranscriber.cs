using System.Net.Http.Headers;
using System.Text.Json;
using LanguageExt;
using NanoClaw.Core.Domain;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Media;

/// <summary>
/// Transcribes voice notes before the agent runs, through an OpenAI-compatible service:
/// <c>POST {url}/v1/audio/transcriptions</c>, multipart form with <c>file</c> and <c>model</c>, answer
/// <c>{"text": "…"}</c> (OpenAI, Groq, local whisper servers). A failure leaves the note untranscribed; the message is
/// never held back or lost because of it.
/// </summary>
public sealed class VoiceTranscriber(HttpClient http, string baseUrl, string model, Option<string> apiKey, ILogger log)
{
    /// <summary>Longest a transcription may take before the message goes on without it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Uri endpoint = new(baseUrl.TrimEnd('/') + "/v1/audio/transcriptions");

    /// <summary>
    /// The message with a transcript on each downloaded voice note of it, read from <paramref name="mediaDir"/> (the
    /// group's host-owned media folder). Messages without voice notes come back as they are.
    /// </summary>
    public async Task<ChatMessage> TranscribeAsync(ChatMessage message, string mediaDir, long maxBytes, CancellationToken ct)
    {
        if (!message.Attachments.Exists(IsPending)) return message;
        var updated = new List<Attachment>();
        foreach (var a in message.Attachments)
            updated.Add(IsPending(a) ? a with { Transcript = await TranscribeFileAsync(Path.Combine(mediaDir, a.File.IfNone("")), a.Mime, maxBytes, ct) } : a);
        return message with { Attachments = toSeq(updated).Strict() };
    }

    private static bool IsPending(Attachment a) => a.Kind == AttachmentKinds.Voice && a.File.IsSome && a.Transcript.IsNone;

    private async Task<Option<string>> TranscribeFileAsync(string path, string mime, long maxBytes, CancellationToken ct)
    {
        try
        {
            var info = new FileInfo(path);
            // Host-owned folder, but a file is still checked: regular, not a link, within the download limit.
            if (!info.Exists || info.LinkTarget is not null || info.Length > maxBytes) return None;
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(await File.ReadAllBytesAsync(path, ct));
            file.Headers.ContentType = MediaTypeHeaderValue.TryParse(mime, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "file", info.Name);
            form.Add(new StringContent(model), "model");
            form.Add(new StringContent("json"), "response_format");
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = form };
            apiKey.IfSome(key => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                log.Warning("Voice note not transcribed: the service answered {Status}", (int)response.StatusCode);
                return None;
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("text", out var text)
                   && text.ValueKind == JsonValueKind.String
                ? Some(text.GetString()!.Trim())
                : None;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or OperationCanceledException or UnauthorizedAccessException)
        {
            if (ct.IsCancellationRequested) throw;
            log.Warning("Voice note not transcribed: {Error}", e.Message);
            return None;
        }
    }
}
