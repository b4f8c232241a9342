#!/usr/bin/env bash
# Issue 20: after the tests, nothing they started may still run. Usage:
#   bash scripts/leak-check.sh snapshot FILE   before the tests: what already runs (a developer's own assistant,
#                                              another suite on a shared machine) is never blamed on this run
#   bash scripts/leak-check.sh check FILE      after: lists every new nanoclaw-* container and nanoclaw process;
#                                              exits 1 if there is one
# Containers started with --rm get a grace period to finish and disappear first (podman wait, bounded).
set -uo pipefail
mode=${1:?snapshot or check}; file=${2:?state file}
GRACE=${NANOCLAW_LEAK_GRACE_SECONDS:-60}

# Root's containers, and those of the rootless test user (.ci/setup-rootless.sh) as "nanoclaw-rootless/NAME": root's
# podman does not see another user's rootless containers.
ROOTLESS_USER=nanoclaw-rootless
rootless_podman() {
  local uid; uid=$(id -u "$ROOTLESS_USER" 2>/dev/null) || return 1
  [ "$(id -u)" = 0 ] || return 1
  (cd / && ${LEAK_TIMEOUT:+timeout "$LEAK_TIMEOUT"} setpriv --reuid="$uid" --regid="$(id -g "$ROOTLESS_USER")" --init-groups env -i PATH=/usr/bin:/bin \
    HOME="$(getent passwd "$ROOTLESS_USER" | cut -d: -f6)" XDG_RUNTIME_DIR="/run/user/$uid" podman "$@")
}
containers() {
  command -v podman >/dev/null 2>&1 || return 0
  { podman ps -a --filter name=nanoclaw- --format '{{.Names}}' 2>/dev/null
    rootless_podman ps -a --filter name=nanoclaw- --format "$ROOTLESS_USER/{{.Names}}" 2>/dev/null; } | sort
}
# The daemon (nanoclaw, or nanoclaw.dll under dotnet) and the agent runner on the host; never this script or a grep.
processes() {
  ps -eo pid=,args= 2>/dev/null | awk -v self=$$ '
    $1 == self { next }
    { exe = $2; sub(".*/", "", exe) }
    exe == "nanoclaw" || exe == "nanoclaw-agent-runner" || $0 ~ /[\/ ]nanoclaw\.dll( |$)/ { print }'
}

case "$mode" in
  snapshot)
    { containers | sed 's/^/container /'; processes | awk '{ print "pid", $1 }'; } >"$file"
    ;;
  check)
    touch "$file"
    new_containers() { containers | while read -r c; do grep -qxF "container $c" "$file" || echo "$c"; done; }
    new_processes() { processes | while read -r pid args; do grep -qxF "pid $pid" "$file" || echo "$pid $args"; done; }
    # In-flight --rm containers: wait for each to end (bounded), then look again.
    for c in $(new_containers); do
      case "$c" in
        "$ROOTLESS_USER"/*) LEAK_TIMEOUT=$GRACE rootless_podman wait "${c#"$ROOTLESS_USER"/}" ;;
        *) timeout "$GRACE" podman wait "$c" ;;
      esac >/dev/null 2>&1 || true
    done
    # --rm removal follows the exit; a daemon a test stopped a moment ago may still be shutting down: same bounded grace.
    for _ in $(seq 1 "$GRACE"); do [ -z "$(new_processes)$(new_containers)" ] && break; sleep 1; done
    left_c=$(new_containers); left_p=$(new_processes)
    if [ -z "$left_c" ] && [ -z "$left_p" ]; then
      echo "leak check: no nanoclaw container or process left behind"
      exit 0
    fi
    echo "leak check FAILED: the tests left these behind"
    [ -n "$left_c" ] && { echo "containers:"; { podman ps -a --filter name=nanoclaw- --format '  {{.Names}}  {{.Status}}  {{.Image}}'
      rootless_podman ps -a --filter name=nanoclaw- --format "  $ROOTLESS_USER/{{.Names}}  {{.Status}}  {{.Image}}" 2>/dev/null; } | grep -F -f <(echo "$left_c" | sed 's|.*/||'); }
    [ -n "$left_p" ] && { echo "processes:"; echo "$left_p" | sed 's/^/  /'; }
    exit 1
    ;;
  *) echo "usage: $0 snapshot|check FILE" >&2; exit 2 ;;
esac
