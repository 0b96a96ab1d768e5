#!/usr/bin/env bash
# Builds the Amdahl images amdahl/grid, amdahl/coordinator and amdahl/worker, tagged VERSION,
# from the jars that ./mvnw builds on this machine (it runs only when they are missing or
# older than the sources). Images of several versions live side by side, one tag each.
#
# Usage: deploy/build-images.sh [VERSION]       VERSION defaults to the version in pom.xml
# Env:   AMDAHL_RESULT_FORMAT=2  bakes the next partial-result format into the worker image
#                                (what the rolling-upgrade test runs as its "new version")
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"

services=(grid coordinator worker)
project_version() { sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1; }
version="${1:-$(project_version)}"
if ! [[ "$version" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
  echo "build-images: '$version' is not a valid image tag (letters, digits, '_', '.', '-')" >&2
  exit 2
fi
command -v docker >/dev/null || { echo "build-images: docker is not installed" >&2; exit 1; }

stale() {
  local svc jar
  for svc in "${services[@]}"; do
    jar="services/$svc/target/amdahl-$svc.jar"
    [ -f "$jar" ] || return 0
    [ -z "$(find pom.xml libs "services/$svc" \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit)" ] || return 0
  done
  return 1
}

if stale; then
  echo "build-images: building the jars (./mvnw -DskipTests package) ..." >&2
  ./mvnw -q -B -DskipTests package -pl services/grid,services/coordinator,services/worker -am >&2
fi

# What each service listens on (see deploy/Dockerfile).
declare -A ports=([grid]="8081 5701" [coordinator]="8080 8081 5801" [worker]="8081 5801")

for svc in "${services[@]}"; do
  args=(-f deploy/Dockerfile --build-arg "SERVICE=$svc" --build-arg "PORTS=${ports[$svc]}" --build-arg "AMDAHL_VERSION=$version")
  [ "$svc" = worker ] && args+=(--build-arg "AMDAHL_RESULT_FORMAT=${AMDAHL_RESULT_FORMAT:-1}")
  echo "build-images: amdahl/$svc:$version" >&2
  # Quiet unless it fails (the legacy builder warns on every build where buildx is missing).
  if ! out="$(docker build -q "${args[@]}" -t "amdahl/$svc:$version" "services/$svc" 2>&1)"; then
    printf '%s\n' "$out" >&2
    echo "build-images: docker build of amdahl/$svc:$version failed" >&2
    exit 1
  fi
done
echo "build-images: built amdahl/{grid,coordinator,worker}:$version" >&2
