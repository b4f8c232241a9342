#!/bin/sh
# Speaks the NanoClaw container protocol for tests. Reads the stdin JSON, takes its "prompt" as a
# ';'-separated list of commands and answers each with an output record:
#   echo            result = the stdin JSON as received
#   mounts          result = the /workspace and /home/node mounts with their ro/rw flag
#   write PATH      result = "wrote PATH" or "cannot-write PATH"
#   tryro PATH      result = "READONLY PATH" or "WRITABLE PATH" (and removes what it wrote)
#   ls PATH         result = the listing, or "missing PATH"
#   cat PATH        result = the file's text, or "missing PATH"
#   id              result = "uid:gid HOME=..."
#   env NAME        result = the variable's value
#   session ID      a record whose newSessionId is ID
#   error TEXT      an error record
#   log TEXT        TEXT on stdout (not a record) and on stderr
#   big N           N bytes of log noise on stdout and stderr
#   sleep N         sleep N seconds, no record
#   exit N          exit with code N
#   limits          result = "memory=<bytes or max> pids=<n or max> caps=<CapEff> nnp=<NoNewPrivs>"
#   alloc           becomes a process that allocates memory until something stops it (no record)
#   forkbomb        forks sleeping processes until fork fails, then waits for ever (no record)
#   records-forever a record every 0.2 s, for ever
set -u
input=$(cat)
prompt=$(printf '%s' "$input" | sed -n 's/.*"prompt":"\([^"]*\)".*/\1/p')

json_string() {
  # JSON string literal of $1 (backslash, quote, control characters and newlines escaped).
  printf '%s' "$1" | awk 'BEGIN { ORS = "" } {
    gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "\\r")
    if (NR > 1) printf "\\n"
    printf "%s", $0
  }' | { printf '"'; cat; printf '"'; }
}

record() { # status result [newSessionId]
  printf '%s\n' '---NANOCLAW_OUTPUT_START---'
  if [ $# -ge 3 ]; then
    printf '{"status":"%s","result":%s,"newSessionId":%s}\n' "$1" "$(json_string "$2")" "$(json_string "$3")"
  elif [ "$1" = error ]; then
    printf '{"status":"error","result":null,"error":%s}\n' "$(json_string "$2")"
  else
    printf '{"status":"%s","result":%s}\n' "$1" "$(json_string "$2")"
  fi
  printf '%s\n' '---NANOCLAW_OUTPUT_END---'
}

read_limits() { # memory and pids limits of this container (cgroup v1 or v2), capabilities, no-new-privileges
  mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max 2>/dev/null || echo unknown)
  pids=$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max 2>/dev/null || echo unknown)
  caps=$(awk '/^CapEff/ { print $2 }' /proc/self/status); nnp=$(awk '/^NoNewPrivs/ { print $2 }' /proc/self/status)
}

run() {
  cmd=${1%% *}; arg=""
  [ "$cmd" != "$1" ] && arg=${1#* }
  case "$cmd" in
    echo) record success "$input" ;;
    mounts) record success "$(awk '$2 ~ /^\/(workspace|home\/node)/ { split($4, o, ","); print $2, o[1] }' /proc/self/mounts | sort)" ;;
    write) if (printf 'written by the test image\n' > "$arg") 2>/dev/null; then record success "wrote $arg"; else record success "cannot-write $arg"; fi ;;
    tryro) if (printf 'probe\n' > "$arg") 2>/dev/null; then rm -f "$arg"; record success "WRITABLE $arg"; else record success "READONLY $arg"; fi ;;
    ls) if [ -e "$arg" ]; then record success "$(ls -1A "$arg")"; else record success "missing $arg"; fi ;;
    cat) if [ -f "$arg" ]; then record success "$(cat "$arg")"; else record success "missing $arg"; fi ;;
    id) record success "$(id -u):$(id -g) HOME=${HOME:-}" ;;
    env) eval "val=\${$arg:-}"; record success "$val" ;;
    session) record success "session set" "$arg" ;;
    error) record error "$arg" ;;
    log) printf '%s\n' "$arg"; printf '%s\n' "$arg" >&2 ;;
    big) head -c "$arg" /dev/zero | tr '\0' 'x'; printf '\n'; head -c "$arg" /dev/zero | tr '\0' 'y' >&2; printf '\n' >&2 ;;
    sleep) sleep "$arg" ;;
    exit) exit "$arg" ;;
    limits) read_limits; record success "memory=$mem pids=$pids caps=$caps nnp=$nnp" ;;
    # tail keeps a line that never ends in memory; exec makes it the container's main process. Refused without a
    # memory limit below 8 GiB, so a broken runtime cannot turn the test into an attack on the test machine.
    alloc)
      read_limits
      case "$mem" in *[!0-9]*|"") record error "alloc refused: no memory limit ($mem)"; return ;; esac
      [ "$mem" -lt 8589934592 ] || { record error "alloc refused: no memory limit ($mem)"; return; }
      exec tail /dev/zero ;;
    # The subshell dies when fork fails; its sleepers stay, and exec needs no new process. Refused without a pids limit.
    forkbomb)
      read_limits
      case "$pids" in *[!0-9]*|"") record error "forkbomb refused: no pids limit ($pids)"; return ;; esac
      ( while :; do sleep 100000 & done ) 2>/dev/null; exec sleep 100000 ;;
    records-forever) while :; do record success "tick"; sleep 0.2; done ;;
    "") ;;
    *) record error "unknown command: $cmd" ;;
  esac
}

rest=$prompt
while [ -n "$rest" ]; do
  case "$rest" in
    *";"*) one=${rest%%;*}; rest=${rest#*;} ;;
    *) one=$rest; rest="" ;;
  esac
  one=$(printf '%s' "$one" | sed 's/^ *//; s/ *$//')
  run "$one"
done
exit 0
