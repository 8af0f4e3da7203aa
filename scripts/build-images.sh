#!/usr/bin/env bash
# Builds podflow's local images with `docker import`, since no registry is
# reachable: a root filesystem of Debian's busybox-static plus a few scripts.
#   podflow/base:1    busybox (sh, httpd, wget, ipcs/ipcmk, ...)
#   podflow/pause:1   the pod sandbox: sleeps, exits on SIGTERM, holds net/ipc/uts
#   podflow/web:1     busybox httpd serving /www on port 80
#   podflow/puller:1  writes (or fetches) a page into a shared volume, then keeps it fresh
# Idempotent and fast: an image is rebuilt only when missing or when this
# script changed (its hash is stored in the image's label podflow.build).
set -euo pipefail

log() { printf 'build-images: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

BUILD_HASH=$(sha256sum "$0" | cut -c1-16)
IMAGES=(base pause web puller)

image_current() {
  local got
  got=$(docker image inspect -f '{{ index .Config.Labels "podflow.build" }}' "podflow/$1:1" 2>/dev/null || true)
  [ "$got" = "$BUILD_HASH" ]
}

missing=()
for name in "${IMAGES[@]}"; do image_current "$name" || missing+=("$name"); done
[ ${#missing[@]} -eq 0 ] && exit 0

BUSYBOX=/bin/busybox
if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; then
  log "installing busybox-static"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
fi
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || [ ! -x "$(command -v file)" ] || { log "$BUSYBOX is not static"; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The shared root filesystem: busybox with every applet linked, a minimal /etc.
ROOTFS="$WORK/rootfs"
mkdir -p "$ROOTFS"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,www,data,proc,sys,dev,run,var/www,root}
chmod 1777 "$ROOTFS/tmp"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for applet in $("$BUSYBOX" --list-full); do
  [ "$applet" = bin/busybox ] && continue
  ln -sf /bin/busybox "$ROOTFS/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$ROOTFS/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$ROOTFS/etc/group"
printf 'hosts: files dns\n' >"$ROOTFS/etc/nsswitch.conf"
printf '<html><body><h1>podflow web</h1></body></html>\n' >"$ROOTFS/www/index.html"

# pause: PID 1 of the sandbox. Traps SIGTERM (PID 1 ignores unhandled signals)
# and reaps nothing else: app containers have their own PID namespaces.
cat >"$ROOTFS/bin/pause" <<'EOF'
#!/bin/sh
trap 'exit 0' TERM INT
while :; do sleep 86400 & wait $!; done
EOF
# web: httpd in the foreground; stops on SIGTERM.
cat >"$ROOTFS/bin/web" <<'EOF'
#!/bin/sh
root=${WEB_ROOT:-/www}
port=${PORT:-80}
echo "web: serving $root on port $port"
trap 'echo "web: stopping"; kill $pid 2>/dev/null; exit 0' TERM INT
httpd -f -v -p "$port" -h "$root" & pid=$!
wait $pid
EOF
# puller: writes $CONTENT (or what $SOURCE_URL serves) to $TARGET, every $INTERVAL seconds;
# with ONCE set it writes once and exits (0, or 1 if the fetch failed): an init container.
cat >"$ROOTFS/bin/puller" <<'EOF'
#!/bin/sh
target=${TARGET:-/data/index.html}
interval=${INTERVAL:-30}
trap 'echo "puller: stopping"; exit 0' TERM INT
mkdir -p "$(dirname "$target")"
while :; do
  if [ -n "$SOURCE_URL" ]; then
    if wget -q -O "$target.tmp" "$SOURCE_URL"; then mv "$target.tmp" "$target"; echo "puller: fetched $SOURCE_URL to $target"
    else echo "puller: fetching $SOURCE_URL failed" >&2; [ -n "$ONCE" ] && exit 1; fi
  else
    printf '%s\n' "${CONTENT:-<html><body><h1>Hello from podflow</h1><p>written by the puller at $(date -u +%FT%TZ)</p></body></html>}" >"$target.tmp"
    mv "$target.tmp" "$target"
    echo "puller: wrote $target"
  fi
  [ -n "$ONCE" ] && exit 0
  sleep "$interval" & wait $!
done
EOF
chmod 755 "$ROOTFS/bin/pause" "$ROOTFS/bin/web" "$ROOTFS/bin/puller"

TARBALL="$WORK/rootfs.tar"
tar -C "$ROOTFS" --numeric-owner --owner=0 --group=0 -cf "$TARBALL" .

import_image() {
  local name=$1 cmd=$2
  shift 2
  log "importing podflow/$name:1"
  docker import \
    --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL podflow.build=$BUILD_HASH" \
    --change "CMD $cmd" \
    "$@" "$TARBALL" "podflow/$name:1" >/dev/null
}

for name in "${missing[@]}"; do
  case "$name" in
    base) import_image base '["/bin/sh"]' ;;
    pause) import_image pause '["/bin/pause"]' ;;
    web) import_image web '["/bin/web"]' --change 'EXPOSE 80' ;;
    puller) import_image puller '["/bin/puller"]' ;;
  esac
done
log "images ready: ${IMAGES[*]/#/podflow/}"
