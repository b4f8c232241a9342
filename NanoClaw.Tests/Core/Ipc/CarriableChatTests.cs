using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Ipc;
using NanoClaw.Core.Routing;
using NanoClaw.Tests.Cli;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Core.Ipc.IpcFixtures;

namespace NanoClaw.Tests.Core.Ipc;

/// <summary>register_group (and <c>nanoclaw groups register</c>) refuse a chat id no channel can carry.</summary>
[Trait("Category", "Security")]
public sealed class CarriableChatTests
{
    private static IpcRequest.RegisterGroup Register(string jid) => new(jid, "New", "newgroup", "@Andy", true, None);

    [Theory]
    [InlineData("banana")]
    [InlineData("tg:abc")]
    [InlineData("tg:")]
    [InlineData("tg:12a")]
    [InlineData("local:")]
    [InlineData("@g.us")]
    [InlineData("someone@example.com")]
    [InlineData("")]
    public void Main_may_not_register_a_chat_id_no_channel_carries(string jid)
    {
        var reason = IpcAuthorizer.Authorize(Context("main"), Register(jid)).Match(e => throw new Xunit.Sdk.XunitException($"allowed: {e}"), r => r);
        Assert.StartsWith("refused: chat id", reason);
        Assert.Contains("is not one any channel can carry", reason);
        Assert.Contains("tg:<number>", reason);
    }

    [Theory]
    [InlineData("120363001@g.us")]
    [InlineData("15551234567@s.whatsapp.net")]
    [InlineData("12345@lid")]
    [InlineData("tg:-1001234567890")]
    [InlineData("tg:42")]
    [InlineData("local:desk")]
    public void Main_may_register_a_chat_id_of_every_channel(string jid) =>
        Assert.True(IpcAuthorizer.Authorize(Context("main"), Register(jid)).IsRight);

    [Fact]
    public void A_refused_id_is_echoed_without_control_characters_and_cut_short()
    {
        var reason = CarriableChat.Check("evil\nINFO forged line" + new string('x', 500)).Match(_ => "", r => r);
        Assert.DoesNotContain('\n', reason);
        Assert.True(reason.Length < 400, reason);
    }

    [Property(MaxTest = 500)]
    public Property Register_group_is_refused_for_being_uncarriable_exactly_when_no_channel_carries_the_id() =>
        Prop.ForAll(
            Gen.OneOf(
                ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
                Gen.Elements("tg:", "local:", "", "-").SelectMany(p => ArbMap.Default.GeneratorFor<int>(), (p, n) => p + n),
                Gen.Elements("@g.us", "@s.whatsapp.net", "@lid", "@example.com").SelectMany(s => ArbMap.Default.GeneratorFor<uint>(), (s, n) => n + s))
            .ToArbitrary(),
            jid =>
            {
                var refusedAsUncarriable = IpcAuthorizer.Authorize(Context("main"), Register(jid))
                    .Match(_ => false, reason => reason.Contains("is not one any channel can carry", StringComparison.Ordinal));
                return refusedAsUncarriable == (ChannelRouting.KindOf(jid) == JidKind.Unknown);
            });
}

/// <summary><c>nanoclaw groups register</c> gives the same refusal and the exit code of its other validation errors.</summary>
[Trait("Category", "Security")]
public sealed class GroupsRegisterUncarriableTests : IDisposable
{
    private readonly CliProject project = new();

    public void Dispose() => project.Dispose();

    [Theory]
    [InlineData("banana", false)]
    [InlineData("tg:abc", false)]
    [InlineData("tg:abc", true)]
    public void A_chat_id_no_channel_carries_is_refused_with_exit_1_and_nothing_is_registered(string jid, bool main)
    {
        var args = new List<string> { "groups", "register", "--jid", jid, "--name", "Odd", "--folder", "odd" };
        if (main) args.Add("--main");
        var result = project.Run([.. args]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"nanoclaw groups register: refused: chat id '{jid}' is not one any channel can carry", result.StdErr);
        Assert.Empty(project.Store().Groups.All());
    }
}
