#!/usr/bin/env bash
# Rolling upgrade (or downgrade) of one service of docker-compose.yml, one container at a time,
# while jobs run:
#
#   deploy/rollout.sh worker 1.1.0
#   deploy/rollout.sh coordinator 1.1.0
#
# worker       For each old container: start one container of VERSION beside it (docker compose
#              up --scale N+1 --no-recreate), wait until it is healthy (joined and ready), then
#              stop the old one (SIGTERM: it drains its tasks and leaves) and remove it.
# coordinator  Only one container can hold the published API port, so a standby of VERSION
#              (service coordinator-standby) starts first and takes over leading the jobs
#              while the published coordinator is replaced; then the standby goes. The standby
#              and the old coordinator run side by side for AMDAHL_ROLLOUT_OVERLAP seconds
#              (default 10) and, when the project runs Prometheus, until Prometheus has scraped
#              the standby twice (at most AMDAHL_ROLLOUT_OVERLAP_MAX seconds, default 60) before
#              the old one goes: Prometheus finds a new container by a DNS lookup every 5 s,
#              takes up new targets every 5 s and scrapes each within 5 s of that, 15 s and
#              more on a busy machine, so a standby that starts in a few seconds could
#              otherwise come and go unrecorded, and the dashboards would never show the two
#              versions together.
#
# A new container that is not healthy within AMDAHL_ROLLOUT_TIMEOUT seconds (default 180), or
# that exits, stops the rollout: it is removed and the containers already replaced are rolled
# back to the previous version the same way. The exit status is then 1.
#
# On success the version is recorded as AMDAHL_<SERVICE>_VERSION in the env file (.env beside
# docker-compose.yml, or AMDAHL_ENV_FILE), so a later `docker compose up` keeps it.
# Compose's own variables (COMPOSE_PROJECT_NAME, COMPOSE_FILE, ...) are honoured.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"

usage() { echo "usage: deploy/rollout.sh worker|coordinator VERSION" >&2; exit 2; }
[ $# -eq 2 ] || usage
service=$1
version=$2
case "$service" in worker | coordinator) ;; *) usage ;; esac
[[ "$version" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || { echo "rollout: '$version' is not an image tag" >&2; exit 2; }

timeout=${AMDAHL_ROLLOUT_TIMEOUT:-180}
overlap=${AMDAHL_ROLLOUT_OVERLAP:-10}
[[ "$overlap" =~ ^[0-9]{1,3}$ ]] || { echo "rollout: AMDAHL_ROLLOUT_OVERLAP must be a whole number of seconds" >&2; exit 2; }
overlap_max=${AMDAHL_ROLLOUT_OVERLAP_MAX:-60}
[[ "$overlap_max" =~ ^[0-9]{1,3}$ ]] || { echo "rollout: AMDAHL_ROLLOUT_OVERLAP_MAX must be a whole number of seconds" >&2; exit 2; }
[ "$overlap_max" -ge "$overlap" ] || overlap_max=$overlap
env_file=${AMDAHL_ENV_FILE:-$home/.env}
version_var="AMDAHL_$(echo "$service" | tr '[:lower:]' '[:upper:]')_VERSION"
image_of() { echo "amdahl/$service:$1"; }

log() { printf '%s rollout %s: %s\n' "$(date +%T)" "$service" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

compose() {
  if [ -n "${AMDAHL_ENV_FILE:-}" ]; then
    docker compose --env-file "$AMDAHL_ENV_FILE" "$@"
  else
    docker compose "$@"
  fi
}

# Compose with the service's image at a given version (the variable beats .env and AMDAHL_VERSION).
compose_at() {
  local at=$1
  shift
  (export "$version_var=$at" && compose "$@")
}

containers() { compose ps -q "$1" 2>/dev/null | sort || true; }
version_of() { docker inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$1"; }
name_of() { docker inspect -f '{{.Name}}' "$1" | sed 's:^/::'; }

# Healthy means joined and ready (see the image's HEALTHCHECK); a container that exits or
# restarts is a failure at once. A failed container is removed after this, so its last log
# lines are shown first: they say why.
wait_healthy() {
  local id=$1 deadline=$((SECONDS + timeout)) state
  while [ $SECONDS -lt $deadline ]; do
    state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.RestartCount}}' "$id" 2>/dev/null) || return 1
    case "$state" in
      "running healthy "*) return 0 ;;
      exited* | dead* | restarting* | *" "[1-9]*) log "$(name_of "$id") failed to start ($state)"; show_logs "$id"; return 1 ;;
    esac
    sleep 1
  done
  log "$(name_of "$id") not healthy after ${timeout}s"
  show_logs "$id"
  return 1
}

show_logs() {
  log "the last lines of $(name_of "$1")'s log:"
  docker logs --tail 40 "$1" 2>&1 | sed 's/^/    /' >&2 || true
}

# Stops a container with its own grace period (stop_grace_period), so a worker drains.
retire() {
  local id=$1 name
  name=$(name_of "$id")
  log "stopping $name ($(version_of "$id")): it drains and leaves"
  docker stop "$id" >/dev/null
  docker rm "$id" >/dev/null
}

record_version() {
  if [ -n "${!version_var:-}" ] && [ "${!version_var}" != "$version" ]; then
    log "note: $version_var=${!version_var} in your environment overrides $env_file"
  fi
  touch "$env_file"
  if grep -q "^$version_var=" "$env_file"; then
    sed -i "s|^$version_var=.*|$version_var=$version|" "$env_file"
  else
    echo "$version_var=$version" >>"$env_file"
  fi
  log "recorded $version_var=$version in $env_file"
}

# Replaces every worker not at $1, one at a time. Returns 1 if a new one never got healthy.
roll_workers() {
  local target=$1 id new before after count
  for id in $(containers worker); do
    [ "$(version_of "$id")" = "$target" ] && continue
    before=$(containers worker)
    count=$(echo "$before" | grep -c .)
    log "starting a worker of $target beside $(name_of "$id")"
    # Not --no-deps: see replace_coordinator.
    compose_at "$target" up -d --no-recreate --scale "worker=$((count + 1))" worker >/dev/null 2>&1 ||
      { log "docker compose could not start a worker of $target"; return 1; }
    after=$(containers worker)
    new=$(comm -13 <(echo "$before") <(echo "$after") | head -1)
    [ -n "$new" ] || { log "no new worker container appeared"; return 1; }
    if ! wait_healthy "$new"; then
      docker rm -f "$new" >/dev/null
      return 1
    fi
    log "$(name_of "$new") ($target) is ready"
    retire "$id"
  done
}

rollout_worker() {
  local ids previous id
  ids=$(containers worker)
  [ -n "$ids" ] || die "no worker is running; start the cluster with: docker compose up -d"
  for id in $(compose ps -aq worker); do
    [ "$(docker inspect -f '{{.State.Status}}' "$id")" = running ] ||
      die "$(name_of "$id") is not running; start or remove it first (docker compose up -d worker)"
  done
  previous=""
  for id in $ids; do
    [ "$(version_of "$id")" != "$version" ] && { previous=$(version_of "$id"); break; }
  done
  if [ -z "$previous" ]; then
    log "every worker already runs $version"
    record_version
    return 0
  fi
  docker image inspect "$(image_of "$version")" >/dev/null 2>&1 ||
    die "no image $(image_of "$version"); build it with: deploy/build-images.sh $version"
  log "$(echo "$ids" | grep -c .) workers, $previous -> $version"
  if ! roll_workers "$version"; then
    log "rolling back to $previous"
    roll_workers "$previous" || die "rollback to $previous did not finish; inspect: docker compose ps worker"
    die "$version did not become ready; workers are back on $previous"
  fi
  record_version
  log "done: every worker runs $version"
}

# Stops the published coordinator (SIGTERM: it hands over leading) and creates it anew at $1.
# --no-recreate leaves every other container as it is; --no-deps is not used because it
# would leave depends_on out of the container's config hash, and the next plain
# `docker compose up` would recreate the container.
replace_coordinator() {
  compose stop coordinator >/dev/null 2>&1
  compose rm -f coordinator >/dev/null 2>&1
  compose_at "$1" up -d --no-recreate coordinator >/dev/null 2>&1
}

# Whether this project's Prometheus has scraped a coordinator of $version at least twice in the
# last minute: with one sample the two versions could overlap in its record for less than a
# graph's step. Asked with the promtool inside the Prometheus container, which needs neither a
# published port nor curl on this machine.
standby_recorded() {
  local out
  out=$(compose exec -T prometheus promtool query instant http://localhost:9090 \
    "count_over_time(process_uptime_seconds{service=\"coordinator\",version=\"$version\"}[1m]) >= 2" 2>/dev/null) ||
    return 1
  [ -n "$out" ]
}

# Keeps the standby beside the old coordinator: $overlap seconds, and until Prometheus, if this
# project runs it, has recorded the standby (see the top of this file), $overlap_max at most.
side_by_side() {
  local start=$SECONDS
  if [ -z "$(containers prometheus)" ]; then
    log "standby is ready; both versions run side by side for ${overlap}s"
    sleep "$overlap"
    return 0
  fi
  log "standby is ready; both versions run side by side until Prometheus has recorded both (${overlap}s to ${overlap_max}s)"
  while [ $((SECONDS - start)) -lt "$overlap_max" ]; do
    if [ $((SECONDS - start)) -ge "$overlap" ] && standby_recorded; then
      log "Prometheus has recorded $version beside $previous ($((SECONDS - start))s side by side)"
      return 0
    fi
    sleep 1
  done
  log "Prometheus has not recorded the standby within ${overlap_max}s; going on (the dashboards may not show both versions)"
}

rollout_coordinator() {
  local current previous standby new
  current=$(containers coordinator | head -1)
  [ -n "$current" ] || die "no coordinator is running; start the cluster with: docker compose up -d"
  previous=$(version_of "$current")
  if [ "$previous" = "$version" ]; then
    log "the coordinator already runs $version"
    record_version
    return 0
  fi
  docker image inspect "$(image_of "$version")" >/dev/null 2>&1 ||
    die "no image $(image_of "$version"); build it with: deploy/build-images.sh $version"
  log "$previous -> $version: starting a standby coordinator of $version"
  compose_at "$version" --profile rollout up -d --no-recreate coordinator-standby >/dev/null 2>&1 ||
    die "docker compose could not start coordinator-standby"
  standby=$(containers coordinator-standby | head -1)
  if [ -z "$standby" ] || ! wait_healthy "$standby"; then
    compose --profile rollout rm -sf coordinator-standby >/dev/null 2>&1 || true
    die "the standby of $version did not become ready; the coordinator stays on $previous"
  fi
  side_by_side
  log "replacing the published coordinator (the standby leads meanwhile)"
  replace_coordinator "$version" || log "docker compose could not replace the coordinator"
  new=$(containers coordinator | head -1)
  if [ -z "$new" ] || [ "$(version_of "$new")" != "$version" ] || ! wait_healthy "$new"; then
    log "rolling back the published coordinator to $previous"
    replace_coordinator "$previous" || true
    new=$(containers coordinator | head -1)
    [ -n "$new" ] && wait_healthy "$new" || die "rollback to $previous did not finish; inspect: docker compose ps coordinator"
    compose --profile rollout rm -sf coordinator-standby >/dev/null 2>&1 || true
    die "$version did not become ready; the coordinator is back on $previous"
  fi
  log "$(name_of "$new") ($version) is ready; stopping the standby"
  compose --profile rollout stop coordinator-standby >/dev/null 2>&1
  compose --profile rollout rm -f coordinator-standby >/dev/null 2>&1
  record_version
  log "done: the coordinator runs $version"
}

command -v docker >/dev/null || die "docker is not installed"
"rollout_$service"
