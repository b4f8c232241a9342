using System.Text;
using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Shell.Service;

namespace NanoClaw.Tests.Cli;

/// <summary>The rendered systemd unit and launchd plist (pure functions).</summary>
public sealed class ServiceFilesTests
{
    private static readonly ServiceDefinition Odd = new(
        ["/opt/my apps/nanoclaw", "--config", "/home/me/100% \"real\"/config.yml", "run"],
        "/home/me/nano claw",
        [("PATH", "/usr/local/bin:/usr/bin:/home/me/$HOME/bin")]);

    [Fact]
    public void The_systemd_unit_restarts_on_failure_with_throttling_and_no_loop_on_setup_errors()
    {
        var unit = ServiceFiles.SystemdUnit(Odd);
        var lines = unit.Split('\n');

        Assert.Contains("Restart=on-failure", lines);
        Assert.Contains("UMask=0077", lines); // files the daemon creates are private to its user (F10)
        Assert.DoesNotContain(ServiceFiles.SystemdUnit(Odd with { PrivateUMask = false }).Split('\n'), l => l.StartsWith("UMask", StringComparison.Ordinal));
        Assert.Contains("RestartSec=15", lines);
        Assert.Contains("StartLimitIntervalSec=600", lines);
        Assert.Contains("StartLimitBurst=5", lines);
        Assert.Contains("RestartPreventExitStatus=2 3 4 5 7", lines);
        Assert.Contains("WantedBy=default.target", lines);
        // Start limits belong in [Unit]; systemd ignores them in [Service].
        Assert.True(Array.IndexOf(lines, "StartLimitBurst=5") < Array.IndexOf(lines, "[Service]"));
        Assert.Contains("WorkingDirectory=/home/me/nano claw", lines);
        Assert.Contains("ExecStart=\"/opt/my apps/nanoclaw\" --config \"/home/me/100%% \\\"real\\\"/config.yml\" run", lines);
        Assert.Contains("Environment=PATH=/usr/local/bin:/usr/bin:/home/me/$HOME/bin", lines);
    }

    [Fact]
    public void The_launchd_plist_keeps_alive_on_failure_only_and_throttles()
    {
        var plist = XDocument.Parse(ServiceFiles.LaunchdPlist(Odd));
        var dict = plist.Root!.Element("dict")!;
        XElement ValueOf(string key) => (XElement)dict.Elements("key").Single(k => k.Value == key).NextNode!;

        Assert.Equal("com.nanoclaw", ValueOf("Label").Value);
        Assert.Equal(Odd.Command, ValueOf("ProgramArguments").Elements("string").Select(e => e.Value));
        Assert.Equal("/home/me/nano claw", ValueOf("WorkingDirectory").Value);
        var keepAlive = ValueOf("KeepAlive");
        Assert.Equal("SuccessfulExit", keepAlive.Element("key")!.Value);
        Assert.Equal("false", ((XElement)keepAlive.Element("key")!.NextNode!).Name.LocalName);
        Assert.Equal("15", ValueOf("ThrottleInterval").Value);
        Assert.Equal("63", ValueOf("Umask").Value); // 0077 in decimal: files private to the user (F10)
        Assert.Equal("true", ValueOf("RunAtLoad").Name.LocalName);
        Assert.Equal("/usr/local/bin:/usr/bin:/home/me/$HOME/bin", ((XElement)ValueOf("EnvironmentVariables").Element("key")!.NextNode!).Value);
    }

    [Fact]
    public void Files_go_under_the_given_home()
    {
        Assert.Equal("/h/.config/systemd/user/nanoclaw.service", ServiceDefinition.FilePath(ServiceKind.Systemd, "/h", null));
        Assert.Equal("/x/systemd/user/nanoclaw.service", ServiceDefinition.FilePath(ServiceKind.Systemd, "/h", "/x"));
        Assert.Equal("/h/.config/systemd/user/nanoclaw.service", ServiceDefinition.FilePath(ServiceKind.Systemd, "/h", "relative"));
        Assert.Equal("/h/Library/LaunchAgents/com.nanoclaw.plist", ServiceDefinition.FilePath(ServiceKind.Launchd, "/h", "/x"));
    }

    /// <summary>Any word survives systemd's command-line splitting and unescaping as exactly one word, on one line.</summary>
    [Property(MaxTest = 500)]
    [Trait("Category", "Property")]
    public Property Quoted_words_split_back_into_themselves(NonNull<string> a, NonNull<string> b)
    {
        string[] words = [a.Get, b.Get];
        var line = string.Join(' ', words.Select(w => ServiceFiles.SystemdQuote(w)));
        return (!line.Contains('\n') && !line.Contains('\r') && SystemdSplit(line).SequenceEqual(words)).ToProperty()
            .Label($"line: {line}");
    }

    /// <summary>A model of systemd's ExecStart parsing: words split on whitespace, double quotes with C escapes, %% and $$ undoubled.</summary>
    private static List<string> SystemdSplit(string line)
    {
        var words = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < line.Length && line[i] == ' ') i++;
            if (i >= line.Length) return words;
            var word = new StringBuilder();
            if (line[i] == '"')
            {
                i++;
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        if (line[i] == 'x')
                        {
                            word.Append((char)Convert.ToInt32(line.Substring(i + 1, 2), 16));
                            i += 3;
                            continue;
                        }
                    }
                    word.Append(line[i++]);
                }
                i++;
            }
            else
            {
                while (i < line.Length && line[i] != ' ') word.Append(line[i++]);
            }
            words.Add(word.ToString().Replace("%%", "%").Replace("$$", "$"));
        }
    }
}
