using System.Text.Json.Nodes;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.Media;

/// <summary>
/// The agent runner with the real Claude Code CLI against the fake API: images of the batch reach the model as image
/// content blocks; a document is read by path with Claude Code's Read tool.
/// </summary>
[Trait("Category", "Media")]
[Trait("Category", "RealClaude")]
[Collection("RealClaude")]
public sealed class MediaRunnerTests() : AgentScenarios(new HostRunnerLauncher())
{
    private string MediaDir => Path.Combine(Workspace.Workspace, "media");

    private static string Prompt(params string[] attachments) =>
        "<context timezone=\"UTC\" />\n<messages>\n<message sender=\"Alice\" time=\"Jan 31, 2026, 2:32 PM\">what is this?"
        + string.Concat(attachments.Select(a => "\n" + a)) + "</message>\n</messages>";

    [ClaudeFact]
    public async Task A_photo_of_the_batch_arrives_at_the_api_as_an_image_content_block()
    {
        Directory.CreateDirectory(MediaDir);
        var png = MediaSamples.Png(64, 48);
        File.WriteAllBytes(Path.Combine(MediaDir, "PHOTO1.png"), png);
        // Over the per-image limit: left to its path.
        File.WriteAllBytes(Path.Combine(MediaDir, "HUGE.png"), new byte[4_000_000]);
        Api.Script(ScriptedReply.Text("A small picture."));

        await using var runner = Start(Input(Prompt(
            $"<attachment type=\"image\" path=\"/workspace/media/PHOTO1.png\" mime=\"image/png\" size=\"{png.Length}\" />",
            "<attachment type=\"image\" path=\"/workspace/media/HUGE.png\" mime=\"image/png\" size=\"4000000\" />")));
        var turn = await runner.NextTurnAsync(Turn);

        Assert.Equal("A small picture.", Assert.Single(turn, r => r.Result.IsSome).Result.IfNone(""));
        var user = Api.ConversationTurns[0].Messages.OfType<JsonObject>().First(m => (string?)m["role"] == "user");
        var blocks = ((JsonArray)user["content"]!).OfType<JsonObject>().ToList();
        var image = Assert.Single(blocks, b => (string?)b["type"] == "image");
        Assert.Equal("base64", (string?)image["source"]!["type"]);
        Assert.Equal("image/png", (string?)image["source"]!["media_type"]);
        Assert.Equal(png, Convert.FromBase64String((string)image["source"]!["data"]!));
        Assert.Contains(blocks, b => (string?)b["type"] == "text" && ((string?)b["text"] ?? "").Contains("/workspace/media/HUGE.png"));
        await CloseAndExpectExitAsync(runner);
    }

    [ClaudeFact]
    public async Task A_document_is_referred_to_by_path_and_the_agents_Read_of_it_succeeds()
    {
        Directory.CreateDirectory(MediaDir);
        var pdfPath = Path.Combine(MediaDir, "DOC1.pdf");
        File.WriteAllBytes(pdfPath, MediaSamples.Pdf("Minutes of the meeting"));
        Api.Script(
            ScriptedReply.ToolUse("Read", new JsonObject { ["file_path"] = pdfPath }),
            ScriptedReply.Text("Read it."));

        await using var runner = Start(Input(Prompt("<attachment type=\"document\" path=\"/workspace/media/DOC1.pdf\" mime=\"application/pdf\" size=\"400\" name=\"minutes.pdf\" />")));
        var turn = await runner.NextTurnAsync(Turn);

        Assert.Equal("Read it.", Assert.Single(turn, r => r.Result.IsSome).Result.IfNone(""));
        Assert.Contains("/workspace/media/DOC1.pdf", Api.ConversationTurns[0].AllMessageText);
        var result = Assert.Single(Api.ConversationTurns[^1].ToolResults);
        Assert.False(RecordedRequest.IsError(result), result.ToJsonString());
        await CloseAndExpectExitAsync(runner);
    }
}
