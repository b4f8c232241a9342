using NanoClaw.Core.Groups;

namespace NanoClaw.Tests.Core.Groups;

public class GroupFolderTests
{
    [Theory]
    [InlineData("family\n")]   // '$' in .NET regexes matches before a final newline: must not slip through
    [InlineData("global\n")]
    [InlineData("family\r\n")]
    [InlineData(" family")]
    [InlineData("family ")]
    [InlineData("")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("ｆamily")]
    public void Refuses_names_that_are_not_plain(string folder) => Assert.False(GroupFolder.IsValid(folder));

    [Fact]
    public void The_longest_name_is_64_characters()
    {
        Assert.True(GroupFolder.IsValid(new string('a', 64)));
        Assert.False(GroupFolder.IsValid(new string('a', 65)));
    }

    [Fact]
    public void Resolves_under_the_base()
    {
        var root = Path.Combine(Path.GetTempPath(), "groups");
        Assert.Equal(Path.Combine(root, "family"), GroupFolder.ResolveUnder(root, "family").IfLeft(r => r));
        Assert.True(GroupFolder.ResolveUnder(root, "../etc").IsLeft);
    }
}
