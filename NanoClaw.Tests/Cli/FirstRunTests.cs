namespace NanoClaw.Tests.Cli;

/// <summary><c>nanoclaw run</c> in a directory with nothing set up: the guide, in order, and exit 7.</summary>
public sealed class FirstRunTests : IDisposable
{
    private readonly CliProject project = new();

    [Fact]
    public void Run_in_an_empty_directory_explains_what_is_missing_in_order_and_exits_7()
    {
        project.UseMissingRuntime();

        var result = project.Run("run");

        Assert.Equal(7, result.ExitCode);
        var err = result.StdErr;
        Assert.Contains("NanoClaw is not set up yet", err);
        string[] order = ["1. Credentials:", "2. Container runtime:", "3. Agent image:", "4. WhatsApp sidecar:", "5. WhatsApp link:", "6. Main group:"];
        var positions = order.Select(o => err.IndexOf(o, StringComparison.Ordinal)).ToArray();
        Assert.All(positions, p => Assert.True(p >= 0, err));
        Assert.Equal(positions.Order().ToArray(), positions);
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(err, @"(?m)^\s+fix: ").Count);
        Assert.Contains("fix: nanoclaw auth whatsapp", err);
        // It stopped before creating a store, so the next start is still a first run.
        Assert.False(File.Exists(project.DatabasePath));
    }

    [Fact]
    public void Only_what_is_still_missing_is_listed()
    {
        project.WithConfig("channels:\n  whatsapp: false\n").WithCredentials();
        project.UseFakeRuntime(answers: true); // knows no image

        var result = project.Run("run");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("1. Agent image:", result.StdErr);
        Assert.Contains("fix: build it: bash container/build.sh", result.StdErr);
        Assert.DoesNotContain("  2. ", result.StdErr); // the numbered list (a temp path may contain "2.")
    }

    [Fact]
    public void Later_starts_still_stop_for_what_only_a_person_can_fix_but_leave_the_runtime_to_the_daemon()
    {
        project.WithConfig("channels:\n  whatsapp: false\n");
        project.UseMissingRuntime();
        project.Store(); // an earlier start created the store

        var result = project.Run("run");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("1. Credentials:", result.StdErr);
        Assert.DoesNotContain("Container runtime", result.StdErr);
        Assert.DoesNotContain("  2. ", result.StdErr); // the numbered list (a temp path may contain "2.")
    }

    [Fact]
    public void A_later_start_the_checks_stop_only_asks_the_runtime_and_says_nothing_about_it()
    {
        // The runtime is asked early, beside the checks (Daemon/RuntimeBringUp); a start the checks stop must still
        // print the guide alone and leave the installation's containers as they are.
        project.WithConfig("channels:\n  whatsapp: false\n");
        project.UseFakeRuntime(answers: false); // down: the daemon would log "not ready" and retry
        project.Store().Close(); // an earlier start created the store; credentials are missing

        var result = project.Run("run");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("1. Credentials:", result.StdErr);
        Assert.DoesNotContain("Container runtime", result.StdErr);
        Assert.DoesNotContain("not ready", result.StdErr);
        var calls = Path.Combine(project.Root, "fake-runtime.log");
        var made = File.Exists(calls) ? File.ReadAllLines(calls) : [];
        // Only questions (detection's info / system status / --version): no ps, stop or kill, so nothing was touched.
        Assert.All(made, call => Assert.Contains(call, new[] { "info", "system status", "--version" }));
    }

    [Fact]
    public void No_setup_check_skips_the_guide()
    {
        project.WithConfig("channels:\n  whatsapp: false\n  local_chat: false\n");
        project.UseMissingRuntime();

        var result = project.Run("run", "--no-setup-check");

        // The daemon itself then finds no runtime (its own exit code), instead of the guide's 7.
        Assert.Equal(6, result.ExitCode);
        Assert.DoesNotContain("not set up yet", result.StdErr);
    }

    public void Dispose() => project.Dispose();
}
