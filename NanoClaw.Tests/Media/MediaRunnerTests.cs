using System.IO.Compression;
using System.Text;
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
        var png = Png(64, 48);
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
        File.WriteAllBytes(pdfPath, Pdf("Minutes of the meeting"));
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

    /// <summary>A real PNG (RGB gradient), encoded by hand: signature, IHDR, zlib IDAT, IEND with CRCs.</summary>
    private static byte[] Png(int width, int height)
    {
        using var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < width; x++) raw.Write([(byte)(x * 4), (byte)(y * 5), 128]);
        }
        using var z = new MemoryStream();
        using (var zlib = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw.ToArray());
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BigEndian(header, 0, width);
        BigEndian(header, 4, height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", z.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var length = new byte[4];
        BigEndian(length, 0, data.Length);
        s.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        var crc = new byte[4];
        BigEndian(crc, 0, (int)Crc32(typed));
        s.Write(crc);
    }

    private static void BigEndian(byte[] b, int at, int v)
    {
        b[at] = (byte)(v >> 24);
        b[at + 1] = (byte)(v >> 16);
        b[at + 2] = (byte)(v >> 8);
        b[at + 3] = (byte)v;
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A minimal well-formed one-page PDF with a line of text (cross-reference offsets computed).</summary>
    private static byte[] Pdf(string text)
    {
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {34 + text.Length} >>\nstream\nBT /F1 18 Tf 20 70 Td ({text}) Tj ET\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var sb = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(sb.ToString()));
            sb.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.ASCII.GetByteCount(sb.ToString());
        sb.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) sb.Append($"{o:D10} 00000 n \n");
        sb.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
