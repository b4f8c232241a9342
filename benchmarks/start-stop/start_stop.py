#!/usr/bin/env python3
"""Daemon start -> ready, SIGTERM -> exit, RSS and CPU at ready (issue 16).

Runs the real `nanoclaw run` (local chat only, the fake container runtime) in a temporary project, N times in turn
per build given, and prints per build: wall ms from spawn to the "NanoClaw running" log line, process CPU ms at
that moment (utime+stime from /proc), RSS at ready (and after --idle-seconds), wall ms from SIGTERM to exit, and the
exit code. With two or more builds the runs alternate (A B A B ...), so a drifting machine load hits both alike.

  benchmarks/start-stop/start_stop.py [--runs 7] [--idle-seconds 0] [--env K=V ...] [--real-runtime] NAME=CMD [NAME=CMD ...]

--real-runtime uses the machine's Podman instead of the fake (its `info` call is part of every start).

CMD is the nanoclaw command, e.g. `.build/nanoclaw/nanoclaw` or `dotnet NanoClaw.Shell/bin/Release/net10.0/nanoclaw.dll`.
"""
import argparse, os, shlex, signal, statistics, subprocess, sys, tempfile, threading, time, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAKE = os.path.join(ROOT, "benchmarks", "fake-runtime", "fake-runtime")
CONFIG = """assistant:
  name: Andy
container:
  runtime: podman
  image: nanoclaw-fake:latest
channels:
  whatsapp: false
  local_chat: true
logging:
  level: INFO
timezone: UTC
"""
TICK = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / TICK


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def one_run(cmd, project, env, idle):
    argv = shlex.split(cmd) + ["run", "--config", os.path.join(project, "config.yml")]
    ready = threading.Event()
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = []

    def pump():
        for line in proc.stderr:
            lines.append(line)
            if "NanoClaw running" in line:
                ready.set()
    threading.Thread(target=pump, daemon=True).start()
    try:
        if not ready.wait(120):
            raise RuntimeError("daemon not ready in 120 s:\n" + "".join(lines[-20:]))
        t_ready = time.monotonic()
        out = {"ready_ms": (t_ready - t0) * 1000, "ready_cpu_ms": cpu_ms(proc.pid), "ready_rss_mb": rss_mb(proc.pid)}
        if idle > 0:
            time.sleep(idle)  # deliberately idle: the figure is the RSS after this much idle time, not a wait for an event
            out["idle_rss_mb"] = rss_mb(proc.pid)
        # A blocking wait (waitpid), not proc.wait(timeout): with a timeout Python polls at 1, 3, 7, 15, 31, 63 ms ...,
        # which rounded every stop time up to the next of those (the 32 / 64 ms of earlier runs). The timer is the limit.
        watchdog = threading.Timer(60, proc.kill)
        watchdog.start()
        t_term = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait()
        watchdog.cancel()
        out["stop_ms"] = (time.monotonic() - t_term) * 1000
        out["exit"] = code
        return out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--idle-seconds", type=float, default=0)
    p.add_argument("--env", action="append", default=[], help="K=V for every build's daemon")
    p.add_argument("--real-runtime", action="store_true", help="the machine's Podman, not the fake runtime")
    p.add_argument("builds", nargs="+", help="NAME=CMD")
    a = p.parse_args()
    builds = [b.split("=", 1) for b in a.builds]
    project = tempfile.mkdtemp(prefix="nanoclaw-startstop-")
    try:
        with open(os.path.join(project, "config.yml"), "w") as f:
            # The real runtime's first start checks that the image exists: the agent image scripts/install builds.
            f.write(CONFIG.replace("nanoclaw-fake:latest", "nanoclaw-agent:latest") if a.real_runtime else CONFIG)
        with open(os.path.join(project, "credentials.yml"), "w") as f:
            f.write("anthropic_api_key: sk-ant-startstop-placeholder\n")
        env = dict(os.environ, NANOCLAW_CONTAINER_EXECUTABLE=FAKE, HOME=project,
                   FAKE_RUNTIME_LOG=os.path.join(project, "fake-runtime.log"),
                   FAKE_RUNTIME_STATE=os.path.join(project, "fake-runtime.state"))
        if a.real_runtime:
            del env["NANOCLAW_CONTAINER_EXECUTABLE"]
        env.update(kv.split("=", 1) for kv in a.env)
        results = {name: [] for name, _ in builds}
        for name, cmd in builds:  # warm-up: migrates the store, fills the page cache
            one_run(cmd, project, env, 0)
        for _ in range(a.runs):
            for name, cmd in builds:
                results[name].append(one_run(cmd, project, env, a.idle_seconds))
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
        print(f"runs {a.runs} per build, alternating; load average at the end {load}")
        keys = ["ready_ms", "ready_cpu_ms", "ready_rss_mb"] + (["idle_rss_mb"] if a.idle_seconds > 0 else []) + ["stop_ms"]
        print(f"{'build':<12}" + "".join(f"{k + ' median [min-max]':>34}" for k in keys) + "  exits")
        for name, runs in results.items():
            cells = []
            for k in keys:
                v = [r[k] for r in runs]
                cells.append(f"{statistics.median(v):.1f} [{min(v):.1f}-{max(v):.1f}]".rjust(34))
            print(f"{name:<12}" + "".join(cells) + "  " + ",".join(str(r['exit']) for r in runs))
    finally:
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
