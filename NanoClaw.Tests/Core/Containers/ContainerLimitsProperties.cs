using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Containers;

/// <summary>The pure rules behind container limits, the maximum run time and the runner's own end (issues 14, 20).</summary>
[Trait("Category", "Property")]
public class ContainerLimitsProperties
{
    private static readonly Gen<ContainerLimits> Limits =
        from memory in Gen.Elements("", "64m", "2g", "512m")
        from pids in Gen.Elements(0, 16, 512)
        from cpus in Gen.Elements("", "0.5", "2")
        from ro in Gen.Elements(true, false)
        from caps in Gen.Elements(true, false)
        from nnp in Gen.Elements(true, false)
        select new ContainerLimits(memory, pids, cpus, ro, caps, nnp);

    [Property(MaxTest = 500)]
    public Property The_runner_waits_past_the_idle_timeout_by_a_bounded_margin_and_never_less_for_a_longer_timeout() =>
        Prop.ForAll(Gen.Two(Gen.Choose(0, 100_000_000)).ToArbitrary(), x =>
        {
            var (a, b) = x.Item1 <= x.Item2 ? (x.Item1, x.Item2) : (x.Item2, x.Item1);
            var limit = TimeoutRules.RunnerIdleLimit(a);
            var margin = limit - TimeSpan.FromMilliseconds(a);
            return margin >= TimeoutRules.MinRunnerMargin
                   && margin <= TimeoutRules.IdleGrace
                   && limit <= TimeoutRules.HardTimeout(None, 0, a) // never later than the host's own floor
                   && TimeoutRules.RunnerIdleLimit(b) >= limit;
        });

    [Property(MaxTest = 200)]
    public Property The_runner_gives_up_only_after_the_host_would_have_stopped_the_run() =>
        Prop.ForAll(Gen.Choose(1, int.MaxValue).ToArbitrary(), ms =>
            TimeoutRules.RunnerMaxRun(ms) > TimeoutRules.MaxRun(ms) && TimeoutRules.MaxRun(ms) == TimeSpan.FromMilliseconds(ms));

    [Property(MaxTest = 500)]
    public Property A_stop_at_the_maximum_run_time_is_an_error_naming_it_whatever_the_run_printed() =>
        Prop.ForAll((
            from exit in Gen.Elements(0, 1, 137, 143)
            from hadOutput in Gen.Elements(true, false)
            from limits in Limits
            select (exit, hadOutput, limits)).ToArbitrary(), x =>
        {
            var r = TimeoutRules.Outcome(x.exit, StopCause.MaxRunTime, x.hadOutput, TimeSpan.Zero, TimeSpan.FromSeconds(31), TimeSpan.FromSeconds(60), x.limits, "");
            return r.Status == OutputStatus.Error && r.TimedOut && r.Error.IfNone("").Contains("maximum run time of 60 s");
        });

    [Property(MaxTest = 500)]
    public Property Without_a_maximum_run_stop_the_outcome_status_is_the_old_rule_and_a_kill_blames_memory_only_under_a_limit() =>
        Prop.ForAll((
            from exit in Gen.Elements(0, 1, 2, 137, 143, -1)
            from stop in Gen.Elements(StopCause.None, StopCause.HardTimeout, StopCause.Requested)
            from hadOutput in Gen.Elements(true, false)
            from limits in Limits
            from stderr in Gen.Elements("", "sh: 1: Cannot fork", "  ")
            select (exit, stop, hadOutput, limits, stderr)).ToArbitrary(), x =>
        {
            var timedOut = x.stop == StopCause.HardTimeout;
            var r = TimeoutRules.Outcome(x.exit, x.stop, x.hadOutput, TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(4), x.limits, x.stderr);
            var old = TimeoutRules.Outcome(x.exit, timedOut, x.hadOutput, TimeSpan.Zero, TimeSpan.FromSeconds(1));
            var error = r.Error.IfNone("");
            var blamesMemory = error.Contains("out of memory");
            var expectBlame = x.stop == StopCause.None && x.exit == 137 && x.limits.Memory.Length > 0;
            var quotesStderr = x.stop == StopCause.None && x.exit != 0 && x.stderr.Trim().Length > 0;
            return r.Status == old.Status && r.TimedOut == old.TimedOut && blamesMemory == expectBlame
                   && error.Contains("Cannot fork") == (quotesStderr && x.stderr.Contains("Cannot fork"));
        });

    [Property(MaxTest = 300)]
    public Property Limit_flags_appear_exactly_when_set_and_Apple_gets_only_memory_and_cpus() =>
        Prop.ForAll((from l in Limits from cli in Gen.Elements(ContainerCli.Apple, ContainerCli.Docker, ContainerCli.Podman) select (l, cli)).ToArbitrary(), x =>
        {
            var args = RuntimeCommand.LimitArgs(x.cli, x.l).ToList();
            var linux = x.cli != ContainerCli.Apple;
            bool Has(string flag) => args.Contains(flag);
            return Has("--memory") == (x.l.Memory.Length > 0)
                   && Has("--cpus") == (x.l.Cpus.Length > 0)
                   && Has("--memory-swap") == (linux && x.l.Memory.Length > 0)
                   && Has("--pids-limit") == (linux && x.l.PidsLimit > 0)
                   && Has("--cap-drop=ALL") == (linux && x.l.DropCapabilities)
                   && Has("--security-opt=no-new-privileges") == (linux && x.l.NoNewPrivileges)
                   && Has("--read-only") == (linux && x.l.ReadOnlyRoot)
                   && args.Count(a => a == "--tmpfs") == (linux && x.l.ReadOnlyRoot ? 2 : 0);
        });

    [Property(MaxTest = 300)]
    public Property The_timeouts_in_the_input_round_trip_and_older_inputs_parse_without_them() =>
        Prop.ForAll((
            from idle in Gen.OneOf(Gen.Constant(Option<int>.None), Gen.Choose(1, int.MaxValue).Select(Some))
            from max in Gen.OneOf(Gen.Constant(Option<int>.None), Gen.Choose(1, int.MaxValue).Select(Some))
            select (idle, max)).ToArbitrary(), x =>
        {
            var input = new ContainerInput("p", None, "f", "j", false, false, "Andy", None, Map<string, string>()) { IdleTimeoutMs = x.idle, MaxRunMs = x.max };
            var json = ContainerJson.Serialize(input);
            var back = ContainerJson.ParseInput(json).Match(i => i, e => throw new InvalidOperationException(e));
            return back == input && json.Contains("idleTimeoutMs") == x.idle.IsSome && json.Contains("maxRunMs") == x.max.IsSome;
        });
}
