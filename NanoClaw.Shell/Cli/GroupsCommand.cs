using System.CommandLine;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Config;

namespace NanoClaw.Shell.Cli;

/// <summary><c>nanoclaw groups list</c>: the registered groups in this installation's store.</summary>
public static class GroupsCommand
{
    public static Command Build()
    {
        var list = new Command("list", "List registered groups: JID, name, folder and whether it is the main group");
        list.SetAction(parse => ShellContext.Run(parse, "groups list", logToFile: false, context =>
        {
            var groups = context.OpenStore().Groups.All();
            Console.Out.Write(Format(groups));
            return ShellContext.ExitOk;
        }));
        var groups = new Command("groups", "Registered groups");
        groups.Subcommands.Add(list);
        return groups;
    }

    /// <summary>An aligned table with a header, or a one-line note when there are none.</summary>
    internal static string Format(IEnumerable<RegisteredGroup> groups)
    {
        var rows = groups.Select(g => new[] { g.Jid, g.Name, g.Folder, g.IsMain ? "yes" : "no" }).ToList();
        if (rows.Count == 0) return "No registered groups." + Environment.NewLine;
        string[] header = ["JID", "NAME", "FOLDER", "MAIN"];
        var widths = Enumerable.Range(0, header.Length)
            .Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))) + Environment.NewLine;
        return Line(header) + string.Concat(rows.Select(Line));
    }
}
