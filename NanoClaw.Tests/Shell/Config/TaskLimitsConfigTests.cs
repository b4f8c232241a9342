using System.Collections;
using NanoClaw.Core.Scheduling;
using NanoClaw.Shell.Config;

namespace NanoClaw.Tests.Shell.Config;

/// <summary>F12's settings: <c>tasks.min_interval_ms</c> and <c>tasks.max_active_per_group</c>.</summary>
public sealed class TaskLimitsConfigTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "nanoclaw-tasks-config-" + Guid.NewGuid().ToString("N"));

    public TaskLimitsConfigTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, true);

    private string Load(string yaml, IDictionary? env, out TaskLimits limits)
    {
        var path = Path.Combine(root, "config.yml");
        File.WriteAllText(path, yaml);
        var result = ConfigLoader.Load(path, env ?? new Hashtable());
        limits = result.Match(r => r.Options.Tasks, _ => TaskLimits.Unlimited);
        return result.Match(_ => "", e => e.Message);
    }

    [Fact]
    public void The_defaults_are_five_minutes_and_fifty_tasks_and_the_shipped_config_says_so()
    {
        Assert.Equal("", Load("", null, out var limits));
        Assert.Equal(new TaskLimits(TimeSpan.FromMinutes(5), 50), limits);
        var shipped = File.ReadAllText(Path.Combine(Support.Requirements.RepoRoot(), "config.yml"));
        Assert.Contains("min_interval_ms: 300000", shipped);
        Assert.Contains("max_active_per_group: 50", shipped);
    }

    [Fact]
    public void Both_keys_are_read_from_the_file_and_the_environment_and_zero_turns_a_limit_off()
    {
        Assert.Equal("", Load("tasks:\n  min_interval_ms: 60000\n  max_active_per_group: 0\n", null, out var fromFile));
        Assert.Equal(new TaskLimits(TimeSpan.FromMinutes(1), 0), fromFile);
        Assert.Equal("", Load("", new Hashtable { ["NANOCLAW_TASKS__MAX_ACTIVE_PER_GROUP"] = "7" }, out var fromEnv));
        Assert.Equal(7, fromEnv.MaxActivePerGroup);
    }

    [Fact]
    public void A_bad_value_names_the_key()
    {
        Assert.Contains("tasks.max_active_per_group", Load("tasks:\n  max_active_per_group: -1\n", null, out _));
        Assert.Contains("tasks.min_interval_ms", Load("tasks:\n  min_interval_ms: soon\n", null, out _));
    }
}
