#!/usr/bin/env python3
"""Whole-process time of short CLI commands (issue 16): wall, CPU (user + sys of the child) and peak RSS.

Sets up a temporary project (the config below, a migrated store with one registered group, made by the first
build), then runs each command once per build in turn (A B A B ...) after one warm-up round, so a drifting machine
load hits both builds alike. Prints per build and command the median and range, and the per-pair ratio B/A.

  benchmarks/cli/cli_time.py [--runs 9] NAME=CMD [NAME=CMD ...]

CMD is the nanoclaw command, e.g. `.build/nanoclaw/nanoclaw`.
"""
import argparse, os, resource, shlex, statistics, subprocess, sys, tempfile, time, shutil

CONFIG = """assistant:
  name: Andy
container:
  runtime: podman
channels:
  whatsapp: false
  local_chat: true
logging:
  level: INFO
timezone: UTC
"""
COMMANDS = [["groups", "list"], ["--version"], ["tasks", "list"]]


def run_once(cmd, args, project):
    argv = shlex.split(cmd) + args
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    out = proc.stdout.read()
    err = proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss / 1024, proc.returncode, out, err


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("builds", nargs="+")
    a = p.parse_args()
    builds = [b.split("=", 1) for b in a.builds]
    project = tempfile.mkdtemp(prefix="nanoclaw-cli-time-")
    try:
        with open(os.path.join(project, "config.yml"), "w") as f:
            f.write(CONFIG)
        first = shlex.split(builds[0][1])
        subprocess.run(first + ["groups", "register", "--jid", "120363001@g.us", "--name", "Family", "--folder", "family"],
                       cwd=project, check=True, stdout=subprocess.DEVNULL)
        results = {(n, tuple(c)): [] for n, _ in builds for c in COMMANDS}
        outputs = {}
        for r in range(a.runs + 1):
            for c in COMMANDS:
                for name, cmd in builds:
                    wall, cpu, rss, rc, out, err = run_once(cmd, c, project)
                    outputs.setdefault(tuple(c), {})[name] = (rc, out, err)
                    if r > 0:
                        results[(name, tuple(c))].append((wall, cpu, rss))
        print(f"load average after: {os.getloadavg()}")
        for c in COMMANDS:
            o = outputs[tuple(c)]
            same = len({v for v in o.values()}) == 1
            print(f"\nnanoclaw {' '.join(c)}  (output, stderr and exit code identical across builds: {same})")
            for name, _ in builds:
                rows = results[(name, tuple(c))]
                w = [x[0] for x in rows]; u = [x[1] for x in rows]; m = [x[2] for x in rows]
                print(f"  {name:>8}: wall {statistics.median(w):6.0f} ms ({min(w):.0f}-{max(w):.0f})  "
                      f"cpu {statistics.median(u):6.0f} ms ({min(u):.0f}-{max(u):.0f})  peak rss {statistics.median(m):.1f} MB")
            if len(builds) >= 2:
                base = results[(builds[0][0], tuple(c))]
                for name, _ in builds[1:]:
                    other = results[(name, tuple(c))]
                    rw = sorted(o[0] / b[0] for b, o in zip(base, other))
                    rc = sorted(o[1] / b[1] for b, o in zip(base, other))
                    print(f"  {name}/{builds[0][0]} per pair: wall median {statistics.median(rw):.2f} ({rw[0]:.2f}-{rw[-1]:.2f}), "
                          f"cpu median {statistics.median(rc):.2f} ({rc[0]:.2f}-{rc[-1]:.2f})")
    finally:
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
