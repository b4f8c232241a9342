using NanoClaw.Core.Media;
using NanoClaw.Shell.Telegram;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Telegram;

/// <summary>The pure inbound media rules shared with the WhatsApp sidecar, and Telegram's choices.</summary>
[Trait("Category", "Telegram")]
public sealed class InboundMediaRulesTests
{
    [Theory]
    [InlineData("123", "image/jpeg", null, "123.jpg")]
    [InlineData("42", "application/octet-stream", "report.DOCX", "42.docx")]
    [InlineData("42", "application/octet-stream", "../../evil", "42.bin")]
    [InlineData("42", "application/octet-stream", "x.tar.gz/../../a.verylongext", "42.bin")]
    public void Stored_names_come_from_the_id_and_the_type_never_from_the_senders_path(string id, string mime, string? original, string expected) =>
        Assert.Equal(expected, InboundMedia.StoredName(id, mime, original));

    [Fact]
    public void An_id_that_is_not_plain_is_hashed()
    {
        var name = InboundMedia.StoredName("../x", "image/png", null);
        Assert.Matches(@"\A[0-9a-f]{32}\.png\z", name);
        Assert.Equal("a-2.jpg", InboundMedia.Alternative("a.jpg", 2));
    }

    [Theory]
    [InlineData(100, 0, 50, 1000, "too large")]
    [InlineData(40, 980, 50, 1000, "daily limit reached")]
    [InlineData(40, 960, 50, 1000, null)]
    [InlineData(-1, 960, 50, 1000, null)]
    public void Judging_follows_the_file_limit_then_the_daily_limit(long size, long used, long maxFile, long maxDay, string? reason) =>
        Assert.Equal(Optional(reason), InboundMedia.Judge(size, used, maxFile, maxDay));

    [Fact]
    public void The_largest_photo_size_within_the_limit_is_chosen()
    {
        var sizes = new[] { new PhotoSize("s", 90, 90, 1_000), new PhotoSize("m", 320, 320, 20_000), new PhotoSize("l", 1280, 1280, 200_000) };
        Assert.Equal("m", PhotoSizes.Choose(sizes, 100_000).Map(p => p.FileId).IfNone(""));
        Assert.Equal("l", PhotoSizes.Choose(sizes, 200_000).Map(p => p.FileId).IfNone(""));
        // None fits: the largest, to be recorded as too large.
        Assert.Equal("l", PhotoSizes.Choose(sizes, 10).Map(p => p.FileId).IfNone(""));
        Assert.True(PhotoSizes.Choose([], 10).IsNone);
    }

    [Theory]
    [InlineData("photos/file_1.jpg", true)]
    [InlineData("documents/file_2", true)]
    [InlineData("../../x", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("a//b", false)]
    [InlineData("a/./b", false)]
    [InlineData("a%2F..", false)]
    [InlineData("a?b", false)]
    [InlineData("http://evil/x", false)]
    [InlineData("", false)]
    public void Only_plain_relative_file_paths_are_fetched(string path, bool fetchable) =>
        Assert.Equal(fetchable, TelegramMedia.IsFetchablePath(path));

    [Theory]
    [InlineData("image", "image/png", TelegramSendMethod.Photo)]
    [InlineData("audio", "audio/ogg", TelegramSendMethod.Voice)]
    [InlineData("audio", "audio/mpeg", TelegramSendMethod.Audio)]
    [InlineData("video", "video/mp4", TelegramSendMethod.Video)]
    [InlineData("video", "video/3gpp", TelegramSendMethod.Document)]
    [InlineData("document", "application/pdf", TelegramSendMethod.Document)]
    public void Files_go_out_by_kind(string kind, string mime, TelegramSendMethod method) =>
        Assert.Equal(method, TelegramMedia.SendMethodOf(kind, mime));
}
