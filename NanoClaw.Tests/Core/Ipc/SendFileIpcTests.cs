using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Ipc;
using NanoClaw.Core.Media;
using static NanoClaw.Tests.Core.Ipc.IpcFixtures;

namespace NanoClaw.Tests.Core.Ipc;

/// <summary>send_file: the parser's precise reasons and the authoriser's own-chat rule (issue 17, "Out").</summary>
[Trait("Category", "Media")]
public class SendFileIpcTests
{
    private static IpcRequest Parsed(string json) =>
        IpcParser.ParseMessage(json).Match(r => r, reason => throw new Xunit.Sdk.XunitException("refused: " + reason));

    private static string Reason(string json) =>
        IpcParser.ParseMessage(json).Match(r => throw new Xunit.Sdk.XunitException($"accepted: {r}"), reason => reason);

    [Fact]
    public void A_send_file_request_is_parsed_with_its_root_segments_and_caption()
    {
        var request = Assert.IsType<IpcRequest.SendFile>(Parsed("""{"type":"send_file","chatJid":"111@g.us","path":"/workspace/group/out/report.pdf","caption":"Q3","groupFolder":"main"}"""));
        Assert.Equal("111@g.us", request.ChatJid);
        Assert.Equal(FileRoot.Group, request.Path.Root);
        Assert.Equal(["out", "report.pdf"], request.Path.Segments.ToArray());
        Assert.Equal("Q3", request.Caption.IfNone(""));
        var media = Assert.IsType<IpcRequest.SendFile>(Parsed("""{"type":"send_file","chatJid":"111@g.us","path":"/workspace/media/m1.jpg","caption":" "}"""));
        Assert.Equal(FileRoot.Media, media.Path.Root);
        Assert.True(media.Caption.IsNone);
    }

    [Theory]
    [InlineData("""{"type":"send_file","chatJid":"111@g.us"}""", "'path' must be a non-empty string")]
    [InlineData("""{"type":"send_file","path":"/workspace/group/a"}""", "'chatJid' must be a non-empty string")]
    [InlineData("""{"type":"send_file","chatJid":"111@g.us","path":"/etc/passwd"}""", "'path' must be under /workspace/group/ or /workspace/media/, not '/etc/passwd'")]
    [InlineData("""{"type":"send_file","chatJid":"111@g.us","path":"/workspace/group/../../credentials.yml"}""", "'path' may not contain '.' or '..': '/workspace/group/../../credentials.yml'")]
    [InlineData("""{"type":"send_file","chatJid":"111@g.us","path":"/workspace/group/a//b"}""", "'path' has an empty segment or ends in '/': '/workspace/group/a//b'")]
    [InlineData("""{"type":"send_file","chatJid":"111@g.us","path":"/workspace/group/"}""", "'path' has an empty segment or ends in '/': '/workspace/group/'")]
    [InlineData("""{"type":"send_file","chatJid":"111@g.us","path":"/workspace/groupie/a"}""", "'path' must be under /workspace/group/ or /workspace/media/, not '/workspace/groupie/a'")]
    [InlineData("""{"type":"send_file","chatJid":"111@g.us","path":"/workspace/group/a\nb"}""", "'path' contains a control character")]
    [InlineData("""{"type":"send_file","chatJid":"111@g.us","path":"/workspace/group/a","caption":5}""", "'caption' must be a string")]
    [InlineData("""{"type":"send_files","chatJid":"111@g.us","path":"/workspace/group/a"}""", "unknown type 'send_files' (message files must have type 'message' or 'send_file')")]
    public void Bad_send_file_requests_are_refused_with_a_precise_reason(string json, string reason) =>
        Assert.Equal(reason, Reason(json));

    [Fact]
    public void A_caption_longer_than_the_limit_is_refused() =>
        Assert.Equal($"'caption' is longer than {IpcLimits.MaxCaptionChars} characters",
            Reason($$"""{"type":"send_file","chatJid":"111@g.us","path":"/workspace/group/a","caption":"{{new string('x', IpcLimits.MaxCaptionChars + 1)}}"}"""));

    [Fact]
    public void Serialising_and_parsing_a_send_file_request_gives_it_back()
    {
        var request = Parsed("""{"type":"send_file","chatJid":"111@g.us","path":"/workspace/group/x y/ü.txt","caption":"hi"}""");
        var again = Assert.IsType<IpcRequest.SendFile>(Parsed(IpcJson.Serialize(request)));
        var first = (IpcRequest.SendFile)request;
        Assert.Equal((first.ChatJid, first.Path.ContainerPath, first.Caption), (again.ChatJid, again.Path.ContainerPath, again.Caption));
    }

    private static IpcRequest.SendFile File(string jid) =>
        (IpcRequest.SendFile)Parsed($$"""{"type":"send_file","chatJid":"{{jid}}","path":"/workspace/group/a.pdf"}""");

    [Fact]
    public void A_group_may_send_files_to_its_own_chats_and_main_anywhere()
    {
        Assert.IsType<IpcEffect.SendFile>(IpcAuthorizer.Authorize(Context("family"), File(FamilyJid)).Case);
        Assert.IsType<IpcEffect.SendFile>(IpcAuthorizer.Authorize(Context("main"), File(WorkJid)).Case);
        Assert.IsType<IpcEffect.SendFile>(IpcAuthorizer.Authorize(Context("main"), File(Stranger)).Case);
    }

    [Fact]
    public void A_group_may_not_send_files_to_another_groups_chat_or_an_unregistered_one()
    {
        Assert.Equal($"refused: group 'family' may not send files to chat '{WorkJid}', which belongs to another group",
            IpcAuthorizer.Authorize(Context("family"), File(WorkJid)).Case);
        Assert.Equal($"refused: group 'family' may not send files to chat '{Stranger}', which is not registered",
            IpcAuthorizer.Authorize(Context("family"), File(Stranger)).Case);
    }

    [Property(MaxTest = 300)]
    public Property Send_file_is_allowed_exactly_when_send_message_is() =>
        Prop.ForAll(
            Gen.Elements("main", "family", "work", "kids", "newbie").ToArbitrary(),
            Gen.Elements(MainJid, FamilyJid, FamilyTwoJid, WorkJid, Stranger).ToArbitrary(),
            (source, jid) =>
                IpcAuthorizer.Authorize(Context(source), File(jid)).IsRight
                == IpcAuthorizer.Authorize(Context(source), new IpcRequest.SendMessage(jid, "x", LanguageExt.Option<string>.None)).IsRight);
}
