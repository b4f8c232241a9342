using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NanoClaw.Tests.Support;

/// <summary>
/// OpenAI's transcription endpoint on loopback (Kestrel): <c>POST /v1/audio/transcriptions</c>, multipart form with a
/// <c>file</c> part and a <c>model</c> field, bearer key; answers <c>{"text": …}</c>, or 400/401 like the real one when
/// the request is wrong. <see cref="Fail"/> makes it answer 500.
/// </summary>
public sealed class FakeTranscriptionServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Received> received = new();

    private FakeTranscriptionServer(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";
    public string ApiKey { get; } = "sk-transcribe-" + Guid.NewGuid().ToString("N");
    public string Transcript { get; set; } = "see you at six";
    public bool Fail { get; set; }

    /// <summary>What one well-formed request carried.</summary>
    public sealed record Received(string FileName, string ContentType, byte[] Bytes, string Model);

    public IReadOnlyList<Received> Requests => received.ToList();

    public static async Task<FakeTranscriptionServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeTranscriptionServer(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    private async Task HandleAsync(HttpContext http)
    {
        if (http.Request.Method != "POST" || http.Request.Path != "/v1/audio/transcriptions")
        {
            http.Response.StatusCode = 404;
            return;
        }
        if (http.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
        {
            http.Response.StatusCode = 401;
            await http.Response.WriteAsJsonAsync(new { error = new { message = "Incorrect API key provided" } });
            return;
        }
        if (!http.Request.HasFormContentType)
        {
            http.Response.StatusCode = 400;
            return;
        }
        var form = await http.Request.ReadFormAsync();
        var file = form.Files.GetFile("file");
        var model = form["model"].ToString();
        if (file is null || model.Length == 0)
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsJsonAsync(new { error = new { message = "file and model are required" } });
            return;
        }
        using var bytes = new MemoryStream();
        await file.CopyToAsync(bytes);
        received.Enqueue(new Received(file.FileName, file.ContentType, bytes.ToArray(), model));
        if (Fail)
        {
            http.Response.StatusCode = 500;
            return;
        }
        await http.Response.WriteAsJsonAsync(new { text = Transcript });
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
