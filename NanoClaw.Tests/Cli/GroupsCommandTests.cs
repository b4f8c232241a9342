using NanoClaw.Tests.Shell.Config;

namespace NanoClaw.Tests.Cli;

/// <summary><c>nanoclaw groups register|remove</c> as a user runs them: the real executable, a real store, exact exit codes.</summary>
public sealed class GroupsCommandTests : IDisposable
{
    private readonly CliProject project = new();

    [Fact]
    public void Register_creates_the_group_its_logs_folder_and_its_memory_file()
    {
        var result = project.Run("groups", "register", "--jid", "120363001@g.us", "--name", "Family", "--folder", "family");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Registered Family (120363001@g.us)", result.StdOut);
        Assert.True(Directory.Exists(Path.Combine(project.GroupsDir, "family", "logs")));
        var memory = File.ReadAllText(Path.Combine(project.GroupsDir, "family", "CLAUDE.md"));
        Assert.StartsWith("# Family", memory);
        var group = Assert.Single(project.Store().Groups.All());
        Assert.Equal(("120363001@g.us", "Family", "family", "@Andy", true, false),
            (group.Jid, group.Name, group.Folder, group.Trigger, group.RequiresTrigger, group.IsMain));
        var list = project.Run("groups", "list").StdOut;
        Assert.Matches(@"(?m)^120363001@g\.us\s+Family\s+family\s+no\s*$", list);
        // Run logs are out of the agents' reach; the user is told where they are.
        Assert.Contains("Container run logs: ", list);
        Assert.Contains("/logs/runs/<folder>/", list);
    }

    [Fact]
    public void Register_honours_trigger_and_no_trigger_and_keeps_an_existing_memory_file()
    {
        Directory.CreateDirectory(Path.Combine(project.GroupsDir, "work"));
        File.WriteAllText(Path.Combine(project.GroupsDir, "work", "CLAUDE.md"), "remember: standup at 9");

        var result = project.Run("groups", "register", "--jid", "120363002@g.us", "--name", "Work", "--folder", "work", "--trigger", "@Bob", "--no-trigger");

        Assert.Equal(0, result.ExitCode);
        var group = Assert.Single(project.Store().Groups.All());
        Assert.Equal(("@Bob", false), (group.Trigger, group.RequiresTrigger));
        Assert.Equal("remember: standup at 9", File.ReadAllText(Path.Combine(project.GroupsDir, "work", "CLAUDE.md")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("global")]
    [InlineData("-dash-first")]
    [InlineData("has space")]
    public void Register_refuses_an_invalid_folder_with_exit_1_and_creates_nothing(string folder)
    {
        var result = project.Run("groups", "register", "--jid", "120363001@g.us", "--name", "Family", "--folder", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("invalid folder name", result.StdErr);
        Assert.False(NanoclawProcess.HasStackTrace(result.StdErr), result.StdErr);
        Assert.Empty(project.Store().Groups.All());
        Assert.False(Directory.Exists(project.GroupsDir));
    }

    [Fact]
    public void A_second_main_group_is_refused_with_exit_1()
    {
        Assert.Equal(0, project.Run("groups", "register", "--main", "--jid", "15551234567@s.whatsapp.net", "--name", "Me", "--folder", "main").ExitCode);

        var second = project.Run("groups", "register", "--main", "--jid", "15559999999@s.whatsapp.net", "--name", "Other", "--folder", "other");

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("a main group is already registered (15551234567@s.whatsapp.net", second.StdErr);
        var main = Assert.Single(project.Store().Groups.All());
        Assert.True(main.IsMain);
        Assert.False(main.RequiresTrigger);
        Assert.False(Directory.Exists(Path.Combine(project.GroupsDir, "other")));
    }

    [Fact]
    public void An_ordinary_group_in_the_main_folder_is_refused_by_the_agent_rules()
    {
        var result = project.Run("groups", "register", "--jid", "120363001@g.us", "--name", "Sneaky", "--folder", "main");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused: folder 'main' belongs to the main group", result.StdErr);
        Assert.Empty(project.Store().Groups.All());
    }

    [Fact]
    public void A_folder_used_by_another_chat_is_refused()
    {
        Assert.Equal(0, project.Run("groups", "register", "--jid", "120363001@g.us", "--name", "Family", "--folder", "family").ExitCode);
        var result = project.Run("groups", "register", "--jid", "120363009@g.us", "--name", "Other", "--folder", "family");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("folder 'family' is already used by chat '120363001@g.us' (Family)", result.StdErr);
    }

    [Fact]
    public void A_folder_that_differs_only_in_case_or_is_reserved_is_refused()
    {
        Assert.Equal(0, project.Run("groups", "register", "--jid", "120363001@g.us", "--name", "Family", "--folder", "family").ExitCode);
        var cased = project.Run("groups", "register", "--jid", "120363009@g.us", "--name", "Other", "--folder", "Family");
        Assert.Equal(1, cased.ExitCode);
        Assert.Contains("folder 'Family' differs only in case from folder 'family' of chat '120363001@g.us'", cased.StdErr);
        var mainCased = project.Run("groups", "register", "--main", "--jid", "15551234567@s.whatsapp.net", "--name", "Me", "--folder", "FAMILY");
        Assert.Equal(1, mainCased.ExitCode);
        var reserved = project.Run("groups", "register", "--jid", "120363010@g.us", "--name", "E", "--folder", "Errors");
        Assert.Equal(1, reserved.ExitCode);
        Assert.Contains("'errors' is reserved", reserved.StdErr);
    }

    [Fact]
    public void Remove_unregisters_but_keeps_the_folder()
    {
        Assert.Equal(0, project.Run("groups", "register", "--jid", "120363001@g.us", "--name", "Family", "--folder", "family").ExitCode);

        var result = project.Run("groups", "remove", "--jid", "120363001@g.us");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("groups/family is kept", result.StdOut);
        Assert.Empty(project.Store().Groups.All());
        Assert.True(File.Exists(Path.Combine(project.GroupsDir, "family", "CLAUDE.md")));
    }

    [Fact]
    public void Remove_of_an_unknown_chat_exits_1()
    {
        project.Store();
        var result = project.Run("groups", "remove", "--jid", "nobody@g.us");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no registered group with chat id 'nobody@g.us'", result.StdErr);
    }

    [Fact]
    public void Remove_without_a_store_exits_3_and_creates_none()
    {
        var result = project.Run("groups", "remove", "--jid", "120363001@g.us");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no store at", result.StdErr);
        Assert.False(File.Exists(project.DatabasePath));
    }

    [Fact]
    public void A_bad_config_exits_2()
    {
        project.WithConfig("assistant:\n  nmae: Andy\n");
        var result = project.Run("groups", "register", "--jid", "120363001@g.us", "--name", "Family", "--folder", "family");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nmae", result.StdErr);
    }

    [Fact]
    public void Help_lists_the_exit_codes()
    {
        var result = project.Run("groups", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("3 no store", result.StdOut);
        Assert.Contains("register", result.StdOut);
        Assert.Contains("remove", result.StdOut);
    }

    public void Dispose() => project.Dispose();
}
