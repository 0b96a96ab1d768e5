#!/usr/bin/env bash
# End-to-end test of the Docker Compose deployment, against a real Docker engine:
#
#  1. builds the images of two versions (the project's, and a "next" one whose workers write
#     the next partial-result format) and starts docker-compose.yml; waits until all healthy;
#  2. computes pi with a fixed seed once, undisturbed, as the reference; then keeps long jobs
#     with known answers running (prime counts, that pi);
#  3. while they run: scales workers 3 -> 6 -> 2, rolls the workers to the next version,
#     tries a version that cannot start (the rollout must roll back), rolls the coordinator,
#     kills a worker, kills a grid member, and takes a whole zone down;
#  4. asserts: every job exact; every task counted once; throughput never at zero for longer
#     than ZERO_THROUGHPUT_BOUND seconds; Prometheus scraped every node and shows the version
#     change-over; graceful scale-downs and rollouts lose no lease; a mixed-version job is exact;
#  5. prints a summary table and tears everything down (also on failure or Ctrl-C).
#
# Usage: tests/e2e/compose-e2e.sh          (needs docker with compose v2, curl, jq)
# Env:   AMDAHL_E2E_TIMEOUT   overall limit in seconds (default 1500)
#        AMDAHL_E2E_KEEP=1    keep the work directory (logs, samples) even when it passes
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$home"

ZERO_THROUGHPUT_BOUND=60
PROJECT=amdahl-e2e
DEADLINE=$((SECONDS + ${AMDAHL_E2E_TIMEOUT:-1500}))
T0=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/amdahl-e2e.XXXXXX")
failures=0
poller=""

log() { printf '%s [+%4ss] %s\n' "$(date +%T)" "$(($(date +%s) - T0))" "$*" >&2; }
fail() { log "FAIL: $*"; echo "$*" >>"$work/failures"; failures=$((failures + 1)); }
pass() { log "ok:   $*"; echo "$*" >>"$work/passes"; }
abort() { log "ABORT: $*"; echo "$*" >>"$work/failures"; exit 1; }
check() { if [ "$1" = true ]; then pass "$2"; else fail "$2${3:+ ($3)}"; fi; }

# ---- prerequisites ---------------------------------------------------------------------------

for tool in curl jq docker; do
  command -v "$tool" >/dev/null || abort "$tool is not installed (Debian: apt-get install -y $tool)"
done
if ! docker info >/dev/null 2>&1; then
  if [ -x "$home/../shared/tools/docker-env.sh" ]; then
    bash "$home/../shared/tools/docker-env.sh" >&2
  else
    abort "Docker is not running"
  fi
fi
docker compose version >/dev/null 2>&1 || abort "Docker Compose v2 (docker compose) is needed"

V1=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
IFS=. read -r major minor _ <<<"${V1%%-*}"
V2="$major.$((minor + 1)).0-e2e"
BROKEN="$V2-broken"
grep -q "AMDAHL_VERSION:-$V1}" docker-compose.yml ||
  abort "docker-compose.yml's default version is not the project version $V1: update its \${AMDAHL_VERSION:-...}"

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

export COMPOSE_PROJECT_NAME=$PROJECT
export COMPOSE_FILE="docker-compose.yml:tests/e2e/compose.e2e.yml"
export AMDAHL_ENV_FILE="$work/compose.env"
export AMDAHL_API_PORT AMDAHL_PROMETHEUS_PORT AMDAHL_ROLLOUT_TIMEOUT=240
AMDAHL_API_PORT=$(free_port)
AMDAHL_PROMETHEUS_PORT=$(free_port)
# The coordinator refuses to start without an API token; every call to the API sends it.
AMDAHL_TOKEN=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf 'AMDAHL_VERSION=%s\nAMDAHL_TOKEN=%s\n' "$V1" "$AMDAHL_TOKEN" >"$AMDAHL_ENV_FILE"
unset AMDAHL_VERSION AMDAHL_WORKER_VERSION AMDAHL_COORDINATOR_VERSION AMDAHL_GRID_VERSION

compose() { docker compose --env-file "$AMDAHL_ENV_FILE" "$@"; }
project_containers() { docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"; }

teardown() {
  local status=$?
  set +e
  [ -n "$poller" ] && kill "$poller" 2>/dev/null && wait "$poller" 2>/dev/null
  if [ "$status" != 0 ] || [ -s "$work/failures" ]; then
    compose --profile rollout logs --no-color --timestamps >"$work/compose.log" 2>&1
  fi
  log "tearing down"
  compose --profile rollout --profile grafana down -v --remove-orphans -t 30 >/dev/null 2>&1
  project_containers | xargs -r docker rm -f >/dev/null 2>&1
  docker network ls -q --filter "label=com.docker.compose.project=$PROJECT" | xargs -r docker network rm >/dev/null 2>&1
  docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT" | xargs -r docker volume rm >/dev/null 2>&1
  for svc in grid coordinator worker; do docker rmi "amdahl/$svc:$V2" >/dev/null 2>&1; done
  docker rmi "amdahl/worker:$BROKEN" >/dev/null 2>&1
  if [ -n "$(project_containers)" ]; then log "WARNING: containers of $PROJECT are left: $(project_containers | tr '\n' ' ')"; fi
  if [ "$status" = 0 ] && [ ! -s "$work/failures" ] && [ -z "${AMDAHL_E2E_KEEP:-}" ]; then
    rm -rf "$work"
  else
    log "work directory kept: $work (compose.log has every container's log)"
  fi
  exit "$status"
}
trap teardown EXIT
trap 'log "command failed (status $?) at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT TERM

# ---- HTTP helpers (loopback only: the published API and Prometheus) --------------------------

api() { curl -sf -m 10 -H "Authorization: Bearer $AMDAHL_TOKEN" "http://127.0.0.1:$AMDAHL_API_PORT$1"; }
# Prometheus answers as a JSON array of series; an empty one when it cannot be reached.
prom() {
  curl -sf -m 20 "http://127.0.0.1:$AMDAHL_PROMETHEUS_PORT/api/v1/query" --data-urlencode "query=$1" \
    ${2:+--data-urlencode "time=$2"} | jq -r '.data.result' || echo '[]'
}
prom_value() { prom "$@" | jq -r 'if length == 0 then "none" else .[0].value[1] end'; }
prom_range() {
  curl -sf -m 30 "http://127.0.0.1:$AMDAHL_PROMETHEUS_PORT/api/v1/query_range" --data-urlencode "query=$1" \
    --data-urlencode "start=$2" --data-urlencode "end=$3" --data-urlencode "step=$4" | jq -r '.data.result' || echo '[]'
}

# wait_for DESCRIPTION TIMEOUT COMMAND...: polls until COMMAND succeeds.
wait_for() {
  local what=$1 limit=$(($(date +%s) + $2))
  shift 2
  until "$@"; do
    [ "$(date +%s)" -lt "$limit" ] || { fail "timed out waiting for $what"; return 1; }
    [ $SECONDS -lt $DEADLINE ] || abort "overall time limit reached while waiting for $what"
    sleep 2
  done
}

# ---- events: what happened when, for the table and the time-window assertions ---------------

event_begin() { EVENT_NAME=$1; EVENT_START=$(date +%s); log "=== $1"; }
event_end() { printf '%s\t%s\t%s\t%s\n' "$EVENT_NAME" "$EVENT_START" "$(date +%s)" "$1" >>"$work/events.tsv"; }
event_time() { awk -F'\t' -v n="$1" -v f="$2" '$1 == n { print $f; exit }' "$work/events.tsv"; }

# ---- jobs --------------------------------------------------------------------------------------

# submit LABEL SPEC CHECK: CHECK is a jq condition on the job's result.
submit() {
  local label=$1 spec=$2 check=$3 accepted id tasks
  accepted=$(curl -sf -m 10 -X POST -H 'content-type: application/json' -H "Authorization: Bearer $AMDAHL_TOKEN" -d "$spec" \
    "http://127.0.0.1:$AMDAHL_API_PORT/api/jobs") || return 1
  id=$(jq -r '.id // empty' <<<"$accepted")
  tasks=$(jq -r '.tasks // empty' <<<"$accepted")
  [ -n "$id" ] && [ -n "$tasks" ] || return 1
  printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$label" "$tasks" "$check" "$(date +%s)" >>"$work/jobs.tsv"
  echo "$id"
}

P9='{"kind":"primes","params":{"from":1,"to":1000000000},"tasks":100}'
P10='{"kind":"primes","params":{"from":1,"to":10000000000},"tasks":400}'
P11='{"kind":"primes","params":{"from":1,"to":100000000000},"tasks":2000}'
PI='{"kind":"pi","params":{"samples":2000000000,"seed":20260101},"tasks":200}'
# Sleeps take no CPU: a job long enough to span the coordinator rollout on any machine
# (48 sleeps of 1 s, times AMDAHL_SLOWDOWN in tests/e2e/compose.e2e.yml).
SPAN='{"kind":"sleep","params":{"tasks":48,"millis":1000}}'
SPAN_OK='.sleeps == 48 and .millis == 48000'
P9_OK='.count == 50847534'
P10_OK='.count == 455052511'
P11_OK='.count == 4118054813'
PI_OK=""   # set from the undisturbed reference run

# The background observer: every 2 s it records the jobs and the cluster as the API shows
# them, and while "feeding" keeps at least two jobs running, so work never runs out.
observe() {
  local n=0 jobs running
  while :; do
    if jobs=$(api /api/jobs); then
      echo "$jobs" >"$work/jobs.json.tmp" && mv "$work/jobs.json.tmp" "$work/jobs.json"
      if [ -e "$work/feeding" ]; then
        running=$(jq '[.jobs[] | select(.state == "RUNNING" or .state == "QUEUED")] | length' <<<"$jobs")
        if [ "$running" -lt 2 ]; then
          case $((n % 3)) in
            0) submit PI "$PI" "$PI_OK" >/dev/null || true ;;
            1) submit P10 "$P10" "$P10_OK" >/dev/null || true ;;
            2) submit P9 "$P9" "$P9_OK" >/dev/null || true ;;
          esac
          n=$((n + 1))
        fi
      fi
    fi
    api /api/cluster | jq -r --arg t "$(date +%s)" \
      '.members[] | select(.state != "GONE") | [$t, .id, .role, .version, (.resultFormat // "-"), .state] | @tsv' \
      >>"$work/nodes.tsv" 2>/dev/null || true
    sleep 2
  done
}

job_state() { api "/api/jobs/$1" | jq -r '.state'; }
job_final() { case "$(job_state "$1")" in SUCCEEDED | FAILED | CANCELLED) return 0 ;; *) return 1 ;; esac; }
job_running() { [ "$(job_state "$1" || true)" = RUNNING ]; }

# ---- cluster helpers ---------------------------------------------------------------------------

all_healthy() {
  local ids unhealthy
  ids=$(compose ps -q)
  [ -n "$ids" ] || return 1
  unhealthy=$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}healthy{{end}}' $ids |
    grep -v ' running healthy$' || true)
  [ -z "$unhealthy" ]
}
healthy() { [ "$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1" 2>/dev/null)" = healthy ]; }
worker_ids() { compose ps -q worker | sort; }
worker_count() { worker_ids | grep -c . || true; }
grid_members() { api /api/cluster | jq '[.members[] | select(.role == "grid" and .state != "GONE")] | length'; }

# The grid is safe when every partition has its backup: each live member says so.
grid_safe() {
  local want=$1
  [ "$(grid_members 2>/dev/null)" = "$want" ] || return 1
  [ "$(prom_value 'count(amdahl_grid_safe)')" = "$want" ] || return 1
  [ "$(prom_value 'min(amdahl_grid_safe)')" = 1 ]
}

container_ip() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$1" | awk '{print $1}'; }
not_member() { api /api/cluster | jq -e --arg ip "$1" '[.members[] | select(.host == $ip and .state != "GONE")] | length == 0' >/dev/null; }

# ---- 1. images and start-up --------------------------------------------------------------------

log "project $PROJECT: API on 127.0.0.1:$AMDAHL_API_PORT, Prometheus on 127.0.0.1:$AMDAHL_PROMETHEUS_PORT; work dir $work"
project_containers | xargs -r docker rm -f >/dev/null 2>&1 || true

event_begin "build images $V1 and $V2"
deploy/build-images.sh "$V1"
AMDAHL_RESULT_FORMAT=2 deploy/build-images.sh "$V2"
printf 'FROM amdahl/worker:%s\nLABEL org.opencontainers.image.version="%s"\nENV AMDAHL_VERSION=%s\nENTRYPOINT ["/bin/sh", "-c", "echo this build cannot start >&2; exit 1"]\n' \
  "$V2" "$BROKEN" "$BROKEN" | docker build -q -t "amdahl/worker:$BROKEN" - >/dev/null 2>&1 || abort "could not build amdahl/worker:$BROKEN"
event_end "amdahl/{grid,coordinator,worker}:$V1 and :$V2; amdahl/worker:$BROKEN cannot start"

event_begin "docker compose up -d"
compose up -d --wait --wait-timeout 420 >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; abort "docker compose up did not get every service healthy"; }
wait_for "every container healthy" 120 all_healthy || abort "cluster not healthy"
wait_for "the API" 60 api /api/cluster >/dev/null || abort "API not reachable"
wait_for "3 grid members, safe" 120 grid_safe 3 || abort "grid not formed"
event_end "3 grid, 1 coordinator, $(worker_count) workers, prometheus healthy"
check "$([ "$(worker_count)" = 3 ] && echo true)" "compose starts 3 workers by default"

# ---- 2. the undisturbed reference, then the long jobs ------------------------------------------

event_begin "reference: pi undisturbed"
ref=$(submit PI-reference "$PI" true) || abort "could not submit the reference job"
wait_for "the reference pi job" 300 job_final "$ref" || abort "reference job did not finish"
inside=$(api "/api/jobs/$ref" | jq -r '.result.inside')
[ "$(job_state "$ref")" = SUCCEEDED ] && [ -n "$inside" ] || abort "reference pi job failed: $(api "/api/jobs/$ref")"
PI_OK=".inside == $inside and .samples == 2000000000"
event_end "seed 20260101, 2e9 samples: inside = $inside"
observe &
poller=$!

submit P11 "$P11" "$P11_OK" >/dev/null || abort "could not submit"
submit PI "$PI" "$PI_OK" >/dev/null || abort "could not submit"
submit P10 "$P10" "$P10_OK" >/dev/null || abort "could not submit"
touch "$work/feeding"
wait_for "jobs running" 60 bash -c "[ -s '$work/jobs.json' ] && jq -e '[.jobs[] | select(.state == \"RUNNING\")] | length > 0' '$work/jobs.json' >/dev/null" ||
  abort "no job started"

# ---- 3. disturbances while they run -------------------------------------------------------------

event_begin "scale workers 3 -> 6"
compose up -d --wait --wait-timeout 300 --scale worker=6 worker >/dev/null 2>&1 || fail "scaling to 6 did not get healthy"
check "$([ "$(worker_count)" = 6 ] && echo true)" "scaled up to 6 workers" "$(worker_count)"
# Prometheus finds a new replica through Docker's DNS (looked up every 5 s) and then scrapes it
# every 5 s, so a worker scaled away within seconds of being healthy may never be scraped at all
# and the dashboards would never show it. Scaling down waits until Prometheus has all six.
workers_scraped() { [ "$(prom_value 'count(process_uptime_seconds{service="worker"})')" = "$1" ]; }
wait_for "Prometheus to scrape the 6 workers" 60 workers_scraped 6 && pass "Prometheus scrapes all 6 workers"
event_end "$(worker_count) workers healthy"

event_begin "scale workers 6 -> 2"
compose up -d --wait --wait-timeout 300 --scale worker=2 worker >/dev/null 2>&1 || fail "scaling to 2 failed"
check "$([ "$(worker_count)" = 2 ] && echo true)" "scaled down to 2 workers" "$(worker_count)"
event_end "4 workers drained and left"

event_begin "roll workers to $V2"
submit P10 "$P10" "$P10_OK" >/dev/null || true
deploy/rollout.sh worker "$V2" || fail "rollout of the workers to $V2 failed"
versions=$(for id in $(worker_ids); do docker inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$id"; done | sort -u | tr '\n' ' ')
check "$([ "$versions" = "$V2 " ] && [ "$(worker_count)" = 2 ] && echo true)" "every worker runs $V2 after the rollout" "$versions"
event_end "2 workers replaced one at a time"

event_begin "roll workers to $BROKEN (must roll back)"
if deploy/rollout.sh worker "$BROKEN"; then
  fail "a rollout to a version that cannot start reported success"
else
  versions=$(for id in $(worker_ids); do docker inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$id"; done | sort -u | tr '\n' ' ')
  check "$([ "$versions" = "$V2 " ] && [ "$(worker_count)" = 2 ] && all_healthy && echo true)" \
    "a failed rollout rolls back: 2 healthy workers of $V2 remain" "$versions, $(worker_count) workers"
fi
grep -q "AMDAHL_WORKER_VERSION=$V2" "$AMDAHL_ENV_FILE" && pass "rollout recorded AMDAHL_WORKER_VERSION=$V2" ||
  fail "the env file does not pin the workers to $V2"
event_end "new worker exited; rollout stopped and left $V2 in place"

event_begin "roll the coordinator to $V2"
span=$(submit sleep "$SPAN" "$SPAN_OK") || abort "could not submit the job that spans the coordinator rollout"
wait_for "the spanning job to run" 60 job_running "$span" || true
deploy/rollout.sh coordinator "$V2" || fail "rollout of the coordinator to $V2 failed"
coordinator_version=$(docker inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$(compose ps -q coordinator)")
check "$([ "$coordinator_version" = "$V2" ] && echo true)" "the coordinator runs $V2" "$coordinator_version"
wait_for "the API after the coordinator rollout" 120 api /api/cluster >/dev/null || abort "no API after the coordinator rollout"
check "$(job_final "$span" && echo false || echo true)" "job $span (submitted before the coordinator rollout) is still running after it"
event_end "standby led while the published coordinator was replaced"

event_begin "docker kill a worker"
victim=$(worker_ids | sed -n 1p)
victim_ip=$(container_ip "$victim")
docker kill "$victim" >/dev/null
wait_for "the cluster to drop the killed worker" 120 not_member "$victim_ip" || true
docker start "$victim" >/dev/null
wait_for "the killed worker back" 240 healthy "$victim" || abort "the killed worker did not come back"
event_end "SIGKILL; the cluster dropped it and took its tasks back; restarted"

event_begin "docker kill grid member grid-a"
docker kill "$(compose ps -q grid-a)" >/dev/null
wait_for "2 grid members, safe" 180 grid_safe 2 && pass "the grid is safe again with 2 members after losing one"
docker start "$(compose ps -aq grid-a)" >/dev/null
wait_for "grid-a back, 3 members safe" 240 grid_safe 3 || abort "grid-a did not rejoin"
event_end "backups promoted; grid-a rejoined"

event_begin "zone-c goes down"
zone=$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter "label=dev.amdahl.zone=zone-c")
docker kill $zone >/dev/null
wait_for "the grid safe without zone-c" 180 grid_safe 2 && pass "the grid is safe with zone-c down"
docker start $zone >/dev/null
wait_for "zone-c back, 3 members safe" 240 grid_safe 3 || abort "zone-c did not come back"
event_end "$(echo "$zone" | grep -c .) container(s) of zone-c killed, then back"

rm -f "$work/feeding"
event_begin "scale workers 2 -> 4 to finish"
kept=$(worker_ids)
compose up -d --wait --wait-timeout 300 --scale worker=4 worker >/dev/null 2>&1 || fail "scaling to 4 did not get healthy"
check "$([ "$(worker_count)" = 4 ] && [ -z "$(comm -23 <(echo "$kept") <(worker_ids))" ] && echo true)" \
  "after the rollout, docker compose up --scale keeps the rolled workers and adds $V2 ones" "$(worker_count) workers"
event_end "$(worker_count) workers of $V2"

event_begin "let every job finish"
for id in $(cut -f1 "$work/jobs.tsv"); do
  wait_for "job $id to finish" 600 job_final "$id" || true
done
event_end "$(grep -c . "$work/jobs.tsv") jobs"
kill "$poller" 2>/dev/null; wait "$poller" 2>/dev/null || true
poller=""

# ---- 4. assertions -------------------------------------------------------------------------------

log "=== assertions"
end=$(date +%s)
scraped_since() { [ "$(prom_value 'min(timestamp(up))' | cut -d. -f1)" -gt "$1" ] 2>/dev/null; }
wait_for "a scrape of the final counters" 60 scraped_since "$end" || true
range="$((end - T0 + 60))s"

# Every job exact, every task counted once by its job.
total_tasks=0
: >"$work/results.tsv"
while IFS=$'\t' read -r id label tasks cond _; do
  job=$(api "/api/jobs/$id")
  ok=$(jq -r --argjson t "$tasks" "(.state == \"SUCCEEDED\") and (.progress.done == \$t) and (.progress.total == \$t) and (.result | $cond)" <<<"$job")
  total_tasks=$((total_tasks + tasks))
  jq -r --arg ok "$ok" --arg name "$label" \
    '[.id, $name, .tasks, .state, "\(.progress.done)/\(.progress.total)", (.result | del(.from, .to, .error, .estimate) | tostring), ((.timeline.runMillis // 0) / 1000 | floor), (if $ok == "true" then "exact" else "WRONG" end)] | @tsv' \
    <<<"$job" >>"$work/results.tsv"
  [ "$ok" = true ] || fail "job $id ($label) is not exact: $(jq -c '{state, progress, result, error}' <<<"$job")"
done <"$work/jobs.tsv"
wrong=$(grep -c 'WRONG$' "$work/results.tsv" || true)
check "$([ "$wrong" = 0 ] && echo true)" "all $(grep -c . "$work/jobs.tsv") jobs exact, each task counted once (progress done = tasks)"
listed=$(api /api/jobs | jq '.jobs | length')
check "$([ "$listed" -ge "$(grep -c . "$work/jobs.tsv")" ] && echo true)" "no job record lost (the API lists $listed)"

# Task completions the workers reported to Prometheus: never more than the tasks (no task
# accepted twice). Fewer only by what a worker accepted after its last scrape before it was
# stopped or killed: the grid entries it held (AMDAHL_WORKER_MAX_HELD, 4 in compose.e2e.yml) and
# at most as many again claimed before SIGTERM stopped its puller, so 8 entries per departed
# worker, of at most 8 tasks each (the 2000-task job's entries: see "Tasks and grid entries"
# in the README). (Each job's own count, checked above, is exact.)
accepted=$(prom_value "sum(max_over_time(amdahl_tasks_completed_total{service=\"worker\",outcome=\"accepted\"}[$range]))")
duplicates=$(prom_value "sum(max_over_time(amdahl_tasks_completed_total{service=\"worker\",outcome=\"duplicate\"}[$range]))")
accepted=${accepted%.*}
workers_seen=$(prom "count by (node) (max_over_time(process_uptime_seconds{service=\"worker\"}[$range]))" | jq length)
workers_now=$(prom 'count by (node) (process_uptime_seconds{service="worker"})' | jq length)
departed=$((workers_seen - workers_now))
allowance=$((departed * 8 * 8))
check "$([ "$accepted" -le "$total_tasks" ] && echo true)" "no task accepted twice: $accepted accepted results <= $total_tasks tasks (duplicates discarded: ${duplicates%.*})"
check "$([ $((total_tasks - accepted)) -le "$allowance" ] && echo true)" \
  "no task lost: $accepted of $total_tasks accepted results seen; the $((total_tasks - accepted)) unseen are within what $departed departed workers held after their last scrape (<= $allowance)"

# Throughput never at zero for longer than the bound, from the first disturbance to the last.
interval=$(curl -sf "http://127.0.0.1:$AMDAHL_PROMETHEUS_PORT/api/v1/targets" | jq -r '[.data.activeTargets[].scrapeInterval][0]' | tr -d 's')
window=$((3 * interval))
from=$(event_time "scale workers 3 -> 6" 2)
to=$(event_time "zone-c goes down" 3)
longest=$(prom_range "sum(increase(amdahl_tasks_completed_total{service=\"worker\",outcome=\"accepted\"}[${window}s])) or vector(0)" \
  "$from" "$to" "$interval" | jq --argjson w "$window" '
    [.[0].values[] | [.[0], (.[1] | tonumber)]] as $v
    | reduce $v[] as $p ({run: null, max: 0};
        if $p[1] == 0 then .run = (.run // $p[0]) | .max = ([.max, $p[0] - .run + $w] | max)
        else .run = null end)
    | .max' || echo 9999)
echo "$longest" >"$work/zero-throughput"
check "$([ "$longest" -le "$ZERO_THROUGHPUT_BOUND" ] && echo true)" \
  "throughput never at zero for more than ${ZERO_THROUGHPUT_BOUND}s (longest: ${longest}s, resolution ${window}s)"

# Prometheus scraped every node the cluster ever listed.
cut -f2 "$work/nodes.tsv" | sort -u >"$work/nodes-seen"
prom "count by (node) (max_over_time(process_uptime_seconds[$range]))" | jq -r '.[].metric.node' | sort -u >"$work/nodes-scraped"
missing=$(comm -23 "$work/nodes-seen" "$work/nodes-scraped" | tr '\n' ' ')
check "$([ -z "$missing" ] && echo true)" "Prometheus scraped all $(grep -c . "$work/nodes-seen") nodes the cluster listed" "never scraped: $missing"

# The version change-over, as Prometheus recorded it.
changeover() {
  local service=$1 event=$2 series
  series=$(prom_range "count by (version) (process_uptime_seconds{service=\"$service\"})" \
    "$(($(event_time "$event" 2) - 10))" "$(($(event_time "$event" 3) + 3 * interval))" "$interval")
  jq -r --arg a "$V1" --arg b "$V2" '
    [.[] | {v: .metric.version, t: [.values[][0]]}] as $s
    | ([$s[].t[]] | unique) as $times
    | [$times[] as $t | [$s[] | select(.t | index($t)) | .v] | sort] as $at
    | ($at[0] == [$a]) and ($at[-1] == [$b]) and ($at | any(. == ([$a, $b] | sort)))' <<<"$series"
}
check "$(changeover worker "roll workers to $V2")" "Prometheus shows the workers change over: only $V1, then both, then only $V2"
check "$(changeover coordinator "roll the coordinator to $V2")" "Prometheus shows the coordinator change over: $V1, both (standby), then $V2"
format2=$(awk -F'\t' -v v="$V2" '$3 == "worker" && $4 == v && $6 == "READY" { print $5 }' "$work/nodes.tsv" | sort -u | tr '\n' ' ')
check "$([ "$format2" = "2 " ] && echo true)" "workers of $V2 wrote result format 2" "$format2"

# Graceful means no task had to be taken back from a worker that vanished or froze.
taken_back() {
  prom_value "sum(max_over_time(amdahl_tasks_requeued_total{reason=\"$1\"}[$range])) or vector(0)" "$2"
}
for event in "scale workers 6 -> 2" "roll workers to $V2"; do
  before=$(taken_back owner_left "$(event_time "$event" 2)")
  after=$(taken_back owner_left "$(($(event_time "$event" 3) + 3 * interval))")
  check "$([ "${before%.*}" = "${after%.*}" ] && echo true)" "$event was graceful: no task had to be taken from a worker that left" "$before -> $after"
done
kill_from=$(event_time "docker kill a worker" 2)
kill_to=$(($(event_time "docker kill a worker" 3) + 3 * interval))
log "tasks taken back from the killed worker: $(($(taken_back owner_left "$kill_to" | cut -d. -f1) - $(taken_back owner_left "$kill_from" | cut -d. -f1))) (it held what it was running)"

# A job that ran while workers of both versions completed tasks, exact.
mixed=""
from=$(event_time "roll workers to $V2" 2)
to=$(event_time "roll workers to $V2" 3)
while IFS=$'\t' read -r id label _ _ _; do
  read -r started finished < <(api "/api/jobs/$id" | jq -r '[(.startedAt | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601), (.finishedAt | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601)] | @tsv')
  [ "$started" -lt "$to" ] && [ "$finished" -gt "$from" ] || continue
  both=$(prom "sum by (version) (increase(amdahl_tasks_completed_total{service=\"worker\",outcome=\"accepted\"}[$((finished - started + 2 * interval))s]))" "$((finished + interval))" |
    jq --arg a "$V1" --arg b "$V2" '[.[] | select((.value[1] | tonumber) > 0) | .metric.version] | (index($a) != null) and (index($b) != null)')
  if [ "$both" = true ] && grep -q "^$id.*exact$" "$work/results.tsv"; then mixed="$mixed $id($label)"; fi
done <"$work/jobs.tsv"
check "$([ -n "$mixed" ] && echo true)" "jobs computed by workers of $V1 and $V2 together are exact:$mixed"

# ---- 5. summary ----------------------------------------------------------------------------------

# Aligned by column(1) where it is installed (util-linux/bsdextrautils), tab-separated otherwise.
table() { if command -v column >/dev/null; then column -t -s $'\t' -o '  ' >&2 || true; else cat >&2; fi; }
{
  printf '\nEVENTS\nevent\tat\ttook\twhat happened\n'
  while IFS=$'\t' read -r name start stop note; do
    printf '%s\t+%ss\t%ss\t%s\n' "$name" "$((start - T0))" "$((stop - start))" "$note"
  done <"$work/events.tsv"
} | table
{
  printf '\nJOBS\nid\tjob\ttasks\tstate\tdone\tresult\tseconds\tcheck\n'
  cat "$work/results.tsv"
} | table
{
  printf '\nCHECKS\n'
  if [ -s "$work/passes" ]; then sed 's/^/pass\t/' "$work/passes"; fi
  if [ -s "$work/failures" ]; then sed 's/^/FAIL\t/' "$work/failures"; fi
} | table
echo >&2
log "total $(($(date +%s) - T0))s; bound on zero throughput ${ZERO_THROUGHPUT_BOUND}s, measured ${longest}s"
if [ "$failures" -gt 0 ]; then
  log "FAILED: $failures check(s)"
  exit 1
fi
log "PASSED"
