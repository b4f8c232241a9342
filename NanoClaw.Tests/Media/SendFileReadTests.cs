using NanoClaw.Core.Media;
using NanoClaw.Shell.Daemon;

namespace NanoClaw.Tests.Media;

/// <summary>
/// The host's read of a send_file path on a real directory tree: links anywhere on the path, FIFOs, hard links and
/// oversized files are refused with SafeFs's reasons and nothing outside the group folder is ever read.
/// </summary>
[Trait("Category", "Media")]
public sealed class SendFileReadTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("nanoclaw-sendfile-").FullName;
    private readonly string group;
    private readonly string secret;

    public SendFileReadTests()
    {
        group = Directory.CreateDirectory(Path.Combine(root, "groups", "family")).FullName;
        secret = Path.Combine(root, "credentials.yml");
        File.WriteAllText(secret, "anthropic_api_key: sk-secret\n");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static OutboundFilePath P(string path) => OutboundFilePath.Parse(path).Match(p => p, reason => throw new Xunit.Sdk.XunitException(reason));

    [Fact]
    public void A_regular_file_in_a_subfolder_is_read_byte_for_byte()
    {
        Directory.CreateDirectory(Path.Combine(group, "out"));
        var bytes = new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x00, 0xFF, 0x10 };
        File.WriteAllBytes(Path.Combine(group, "out", "r.pdf"), bytes);
        var (read, refusal) = AgentFileReader.Read(group, P("/workspace/group/out/r.pdf"), 1024);
        Assert.Null(refusal);
        Assert.Equal(bytes, read);
    }

    [Fact]
    public void A_symlink_to_a_host_file_is_refused_and_not_read()
    {
        File.CreateSymbolicLink(Path.Combine(group, "creds.txt"), secret);
        var (read, refusal) = AgentFileReader.Read(group, P("/workspace/group/creds.txt"), 1024);
        Assert.Null(read);
        Assert.Equal("/workspace/group/creds.txt is a symbolic link", refusal);
    }

    [Fact]
    public void A_symlinked_directory_on_the_way_is_refused_and_left_in_place()
    {
        Directory.CreateSymbolicLink(Path.Combine(group, "up"), root);
        var (read, refusal) = AgentFileReader.Read(group, P("/workspace/group/up/credentials.yml"), 1024);
        Assert.Null(read);
        Assert.Equal("/workspace/group/up is a symbolic link, not a directory", refusal);
        Assert.True(new FileInfo(Path.Combine(group, "up")).LinkTarget is not null, "the agent's link was removed");
    }

    [Fact]
    public void A_hard_link_to_a_host_file_is_refused()
    {
        var link = Path.Combine(group, "hard.txt");
        Assert.Equal(0, Mono.Unix.Native.Syscall.link(secret, link));
        var (read, refusal) = AgentFileReader.Read(group, P("/workspace/group/hard.txt"), 1024);
        Assert.Null(read);
        Assert.Equal("/workspace/group/hard.txt has 2 hard links", refusal);
    }

    [Fact]
    public void A_FIFO_is_refused_without_blocking()
    {
        Assert.Equal(0, Mono.Unix.Native.Syscall.mkfifo(Path.Combine(group, "pipe"), Mono.Unix.Native.FilePermissions.S_IRUSR | Mono.Unix.Native.FilePermissions.S_IWUSR));
        var (read, refusal) = AgentFileReader.Read(group, P("/workspace/group/pipe"), 1024);
        Assert.Null(read);
        Assert.Equal("/workspace/group/pipe is a FIFO", refusal);
    }

    [Fact]
    public void A_file_over_the_cap_is_refused_with_its_size()
    {
        File.WriteAllBytes(Path.Combine(group, "big.bin"), new byte[2048]);
        var (read, refusal) = AgentFileReader.Read(group, P("/workspace/group/big.bin"), 1024);
        Assert.Null(read);
        Assert.Equal("/workspace/group/big.bin is 2048 bytes; the limit is 1024", refusal);
    }

    [Fact]
    public void Media_without_a_media_folder_is_refused()
    {
        var (read, refusal) = AgentFileReader.Read(Path.Combine(root, "data", "media", "family"), P("/workspace/media/a.jpg"), 1024);
        Assert.Null(read);
        Assert.Equal("/workspace/media/a.jpg: there is no media folder", refusal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2 }, "image/jpeg", MediaKind.Image)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "image/png", MediaKind.Image)]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "application/pdf", MediaKind.Document)]
    [InlineData(new byte[] { 0x4F, 0x67, 0x67, 0x53, 0, 2 }, "audio/ogg", MediaKind.Audio)]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D }, "video/mp4", MediaKind.Video)]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, "image/gif", MediaKind.Document)]
    [InlineData(new byte[] { 0x68, 0x69, 0x0A }, "text/plain", MediaKind.Document)]
    [InlineData(new byte[] { 0x00, 0x01, 0x02 }, "application/octet-stream", MediaKind.Document)]
    public void The_MIME_type_comes_from_the_bytes(byte[] bytes, string mime, MediaKind kind)
    {
        Assert.Equal(mime, MimeSniffer.Sniff(bytes));
        Assert.Equal(kind, MimeSniffer.KindOf(mime));
    }
}
