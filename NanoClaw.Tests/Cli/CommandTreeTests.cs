using System.CommandLine;
using NanoClaw.Shell.Cli;

namespace NanoClaw.Tests.Cli;

/// <summary>
/// The CLI builds only the top-level command a command line names (issue 16). What any command line prints and
/// returns must be what the whole tree gives: help, parse errors and suggestions, for every command and subcommand.
/// Only command lines that stop at parsing are run here (help and errors), so no command's action runs.
/// </summary>
public sealed class CommandTreeTests
{
    public static TheoryData<string[]> CommandLines()
    {
        var data = new TheoryData<string[]>();
        foreach (var command in CliApp.Build().Subcommands)
        {
            data.Add([command.Name, "--help"]);
            data.Add([command.Name, "--no-such-option"]);
            data.Add([command.Name, "no-such-word", "--help"]);
            data.Add([command.Name, "--config"]);
            foreach (var sub in command.Subcommands)
            {
                data.Add([command.Name, sub.Name, "--help"]);
                data.Add([command.Name, sub.Name, "--no-such-option"]);
                data.Add([command.Name, "-h", sub.Name]);
            }
        }
        data.Add(["--help"]);
        data.Add(["--version"]);
        data.Add(["--version", "groups"]);
        data.Add(["groups", "--version"]);
        data.Add(["grups", "list"]);
        return data;
    }

    private static (int Exit, string Out, string Error) Run(RootCommand root, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // A command line that parses into a command's own action (e.g. an unknown option taken as its argument) is
        // compared by what was parsed, never run.
        if (parse.Errors.Count == 0 && !args.Contains("--help") && !args.Contains("-h") && !args.Contains("--version"))
            return (-1, string.Join(" ", parse.CommandResult.Command.Name, string.Join(",", parse.Tokens.Select(t => t.Type + ":" + t.Value))), "");
        var exit = parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [Trait("Category", "Unit")]
    [MemberData(nameof(CommandLines))]
    public void The_partial_tree_answers_like_the_whole_tree(string[] args)
    {
        var whole = Run(CliApp.Build(), args);
        var partial = Run(CliApp.BuildFor(args), args);
        Assert.Equal(whole, partial);
        Assert.NotEqual("", whole.Out + whole.Error); // help, an error, or what was parsed
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void A_named_command_gets_a_root_with_only_that_command()
    {
        Assert.Equal(["groups"], CliApp.BuildFor(["groups", "list"]).Subcommands.Select(c => c.Name));
        Assert.Empty(CliApp.BuildFor(["--version"]).Subcommands);
        Assert.Equal(CliApp.Build().Subcommands.Count, CliApp.BuildFor(["--help"]).Subcommands.Count);
        Assert.Equal(CliApp.Build().Subcommands.Count, CliApp.BuildFor(["--config", "x.yml", "groups", "list"]).Subcommands.Count);
    }
}
