#!/usr/bin/env bash
# Issue 14: rootless Podman for NanoClaw.Tests/Sandbox/RootlessPodmanTests (the real daemon run as a non-root user).
# Run as root, after setup-podman.sh and install-agent-image.sh; idempotent, quick when nothing changed.
#   - user nanoclaw-rootless (fixed name, no login shell) with /etc/subuid and /etc/subgid ranges (65536 ids);
#   - XDG_RUNTIME_DIR=/run/user/<uid>, made here: there is no systemd session (PID 1 is not systemd), so no
#     logind/linger creates it;
#   - ~/.config/containers: cgroupfs (no systemd user session to delegate cgroups) and events in a file (no journal);
#     native overlay storage (kernel >= 5.13 allows it unprivileged; the default guess here was vfs, which copies the
#     1.85 GB image for every container);
#   - /dev/net/tun 0666 (the distribution's udev default; this VM has no udev and leaves it 0600, so slirp4netns, the
#     rootless default network, fails with "open("/dev/net/tun"): Permission denied");
#   - the image under test ($NANOCLAW_CONTAINER__IMAGE or nanoclaw-agent:latest) copied into the user's storage with
#     podman save | podman load when the user's copy has another image id (the id survives the copy, so the ids
#     themselves are the stamp; ~2 min for the 1.85 GB image on the shared 2-core machine), then its old copies pruned.
# Prints what it did; exits non-zero with the reason when something does not work (the test then fails with it).
set -euo pipefail
USER_NAME=nanoclaw-rootless
IMAGE=${NANOCLAW_CONTAINER__IMAGE:-nanoclaw-agent:latest}
say() { echo "[setup-rootless] $*"; }
fail() { echo "[setup-rootless] FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (it creates a user and writes /etc/subuid)"
for tool in podman newuidmap newgidmap slirp4netns setpriv; do
  command -v "$tool" >/dev/null || missing="${missing:-} $tool"
done
if [ -n "${missing:-}" ]; then
  say "installing uidmap slirp4netns util-linux (missing:$missing)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq uidmap slirp4netns util-linux >/dev/null
fi

if ! id "$USER_NAME" >/dev/null 2>&1; then
  useradd --create-home --shell /usr/sbin/nologin --comment "NanoClaw rootless Podman tests" "$USER_NAME"
  say "user $USER_NAME created"
fi
uid=$(id -u "$USER_NAME"); gid=$(id -g "$USER_NAME"); home=$(getent passwd "$USER_NAME" | cut -d: -f6)

# A subordinate range after every range already given out (useradd usually adds one itself).
next_free() { awk -F: 'BEGIN { m = 100000 } { e = $2 + $3; if (e > m) m = e } END { print m }' "$1" 2>/dev/null || echo 100000; }
ids_changed=0
if ! grep -q "^$USER_NAME:" /etc/subuid 2>/dev/null; then
  s=$(next_free /etc/subuid); usermod --add-subuids "$s-$((s + 65535))" "$USER_NAME"; ids_changed=1
fi
if ! grep -q "^$USER_NAME:" /etc/subgid 2>/dev/null; then
  s=$(next_free /etc/subgid); usermod --add-subgids "$s-$((s + 65535))" "$USER_NAME"; ids_changed=1
fi

runtime_dir=/run/user/$uid
install -d -m 0700 -o "$uid" -g "$gid" /run/user "$runtime_dir" 2>/dev/null || install -d -m 0700 -o "$uid" -g "$gid" "$runtime_dir"
chmod 0755 /run/user

install -d -m 0700 -o "$uid" -g "$gid" "$home/.config" "$home/.config/containers"
write_conf() { # only when different, so an unchanged set-up touches nothing
  local file=$1 content=$2
  if [ "$(cat "$file" 2>/dev/null)" != "$content" ]; then
    printf '%s\n' "$content" >"$file"; chown "$uid:$gid" "$file"; chmod 0600 "$file"; say "wrote $file"
  fi
}
write_conf "$home/.config/containers/containers.conf" '[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"'
write_conf "$home/.config/containers/storage.conf" '[storage]
driver = "overlay"'

if [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then chmod 0666 /dev/net/tun; say "/dev/net/tun made 0666"; fi

as_user() {
  (cd / && setpriv --reuid="$uid" --regid="$gid" --init-groups \
    env -i HOME="$home" USER="$USER_NAME" LOGNAME="$USER_NAME" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    XDG_RUNTIME_DIR="$runtime_dir" "$@")
}
# New subordinate ids reach an already running user namespace (the pause process) only after a migrate.
[ "$ids_changed" = 0 ] || as_user podman system migrate >/dev/null 2>&1 || true

info=$(as_user podman info --format '{{.Host.Security.Rootless}} {{.Store.GraphDriverName}} {{.Host.CgroupsVersion}}' 2>&1) \
  || fail "podman info as $USER_NAME: $info"
read -r rootless driver cgroups <<<"$(echo "$info" | tail -1)"
[ "$rootless" = true ] || fail "podman as $USER_NAME is not rootless: $info"
[ "$driver" = overlay ] || fail "storage driver for $USER_NAME is $driver, not overlay"

want=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null) || fail "image $IMAGE is not in root's storage (scripts/install-agent-image.sh)"
have=$(as_user podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  say "copying $IMAGE ($want) into $USER_NAME's storage"
  start=$(date +%s)
  podman save "$IMAGE" | as_user podman load >/dev/null || fail "podman save | podman load of $IMAGE into $USER_NAME's storage"
  # A repository:tag the archive did not carry (podman save keeps the name given): tag it as asked.
  as_user podman tag "$want" "$IMAGE" >/dev/null 2>&1 || true
  have=$(as_user podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  [ "$have" = "$want" ] || fail "after the copy $USER_NAME's $IMAGE is '$have', not $want"
  say "copied in $(($(date +%s) - start)) s"
  as_user podman image prune -f >/dev/null 2>&1 || true
else
  say "$IMAGE ($want) already in $USER_NAME's storage"
fi

# The proof it works: a container as that user on its default network (slirp4netns), with the daemon's flags for a
# non-root user (--userns=keep-id --user uid:gid). The first keep-id run of an image makes Podman copy the image with
# its ids shifted (~40 s for the agent image); doing it here keeps that out of the tests' first turn.
start=$(date +%s)
out=$(as_user podman run --rm --userns=keep-id --user "$uid:$gid" --entrypoint /bin/sh "$IMAGE" -c 'echo rootless-ok' 2>&1) || fail "podman run as $USER_NAME: $out"
say "first container (keep-id) in $(($(date +%s) - start)) s"
echo "$out" | grep -q rootless-ok || fail "podman run as $USER_NAME printed: $out"
say "rootless Podman ready for $USER_NAME (uid $uid, storage $driver, cgroups $cgroups)"
[ "$cgroups" = v2 ] || say "note: cgroups $cgroups: rootless Podman ignores --memory/--pids-limit/--cpus here (\"Resource limits are not supported and ignored on cgroups V1 rootless systems\")"
