using NanoClaw.Core.Groups;

namespace NanoClaw.Tests;

public class SmokeTests
{
    [Theory]
    [InlineData("main", true)]
    [InlineData("family-chat_2", true)]
    [InlineData("Global", false)]
    [InlineData("../etc", false)]
    [InlineData("-lead", false)]
    public void Folder_names_follow_the_spec(string folder, bool valid) => Assert.Equal(valid, GroupFolder.IsValid(folder));
}
