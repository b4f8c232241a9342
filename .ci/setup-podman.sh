#!/usr/bin/env bash
# Installs and configures Podman so that rootful `podman run`/`podman build` work on a
# machine without a Docker engine or a registry (CI and fresh developer machines).
set -euo pipefail
if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then
  echo "[setup-podman] installing podman, runc, debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap uidmap >/dev/null
fi
mkdir -p /etc/containers
if ! grep -q 'cgroup_manager = "cgroupfs"' /etc/containers/containers.conf 2>/dev/null; then
  cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
fi
podman info >/dev/null
echo "[setup-podman] podman $(podman --version | awk '{print $3}') ready"
