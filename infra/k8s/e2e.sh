#!/usr/bin/env bash
# End to end on the local Kubernetes (npm run test:k8s): real processes, nothing mocked.
#   up -> build + load images -> deploy k8s/overlays/local (a second apply: all unchanged)
#   -> data-load Job -> local reference run -> pipeline Job with 2 executor pods (checksum = local)
#   -> again, deleting an executor pod mid-run (checksum = local) -> again, deleting one in the
#   run's last seconds (the loss is in the report, read with `kindling k8s report`)
#   -> kindling k8s scale --executors 3 while the pipeline Job runs (the run waits for the new
#   driver and runs again: checksum = local, the restart in its report; kindling k8s port-forward
#   follows the new driver) -> 1 executor (timing) -> back to 2 -> CronJob fires and completes
#   -> Prometheus holds Spark and Kindling metrics, every dashboard panel query has data
#   -> down (no leftovers).
# Results (timings, checksums, pod logs) go to ${KINDLING_CACHE:-~/.cache/kindling}/k8s/e2e/<time>/.
#
#   infra/k8s/e2e.sh                 # everything, then `down`
#   KINDLING_E2E_KEEP=1 infra/k8s/e2e.sh   # leave the cluster up afterwards
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

# The dataset size of the data-load Job; the local reference run generates the same (the generator
# is deterministic for the same options).
size="$(sed -n 's/.*args: \[generate, --size, \([0-9A-Za-z]*\),.*/\1/p' "$repo/k8s/jobs/jobs.yaml")"
out="$KINDLING_CACHE/k8s/e2e/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
results="$out/results.txt"
ns=(-n kindling)
kindling=(node --import tsx "$repo/packages/kindling/src/cli/main.ts")
checksum=(node --import tsx "$repo/infra/k8s/jobs/checksum.ts")
failures=0

say() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
record() { printf '%-44s %s\n' "$1" "$2" | tee -a "$results"; }
check() {
  if [[ "$2" == "$3" ]]; then
    record "$1" "ok"
  else
    record "$1" "FAILED: $2 != $3"
    failures=$((failures + 1))
  fi
}
finish() {
  local rc=$?
  restore_overlay
  if [[ "${KINDLING_E2E_KEEP:-0}" != 1 ]]; then
    say "down"
    local t=$SECONDS
    if bash "$here/down.sh"; then
      record "down (s)" "$((SECONDS - t))"
    else
      record "down" "FAILED: leftovers"
      failures=$((failures + 1))
    fi
  fi
  echo
  echo "results: $results"
  cat "$results"
  ((failures == 0 && rc == 0)) || exit 1
}
trap finish EXIT

service_ip() { kctl "${ns[@]}" get service "$1" -o jsonpath='{.spec.clusterIP}'; }
executors_running() {
  [[ "$(kctl "${ns[@]}" get pods -l spark-role=executor --field-selector=status.phase=Running -o name | wc -l)" -ge "$1" ]]
}
job_seconds() {
  local start end
  start="$(kctl "${ns[@]}" get job "$1" -o jsonpath='{.status.startTime}')"
  end="$(kctl "${ns[@]}" get job "$1" -o jsonpath='{.status.completionTime}')"
  echo $(($(date -d "$end" +%s) - $(date -d "$start" +%s)))
}
# True once the pipeline Job's log shows its first / last output being written
# ("[1/3] orders_clean: running" / "[3/3] quarantine: running").
first_output_running() { kctl "${ns[@]}" logs job/pipeline 2>/dev/null | grep -q ': running$'; }
last_output_running() { kctl "${ns[@]}" logs job/pipeline 2>/dev/null | grep -Eq '\[([0-9]+)/\1\] .*: running$'; }
# Runs the pipeline Job to completion; prints its duration in seconds. $2: when to delete one
# executor pod: `first` / `last` when the run starts writing its first / last output (a fixed
# delay missed the run twice: the same Job took 78 s to 211 s on this machine); empty: none.
run_pipeline_job() {
  local name="$1" kill_at="${2:-}" t=$SECONDS
  kctl "${ns[@]}" delete job pipeline --ignore-not-found --wait >/dev/null
  kctl apply -k "$repo/k8s/overlays/local/jobs" -l app.kubernetes.io/name=pipeline >/dev/null
  if [[ -n "$kill_at" ]]; then
    wait_for "the pipeline Job's $kill_at output" 1200 "${kill_at}_output_running"
  fi
  if [[ -n "$kill_at" ]]; then
    local victim
    victim="$(kctl "${ns[@]}" get pods -l spark-role=executor -o name | head -1)"
    kctl "${ns[@]}" delete "$victim" --force --grace-period=0 >/dev/null 2>&1 || true
    echo "deleted $victim after $((SECONDS - t))s" >&2
  fi
  if ! kctl "${ns[@]}" wait job/pipeline --for=condition=complete --timeout=1200s >/dev/null; then
    kctl "${ns[@]}" logs job/pipeline >"$out/pipeline-$name.log" 2>&1 || true
    tail -30 "$out/pipeline-$name.log" >&2
    return 1
  fi
  kctl "${ns[@]}" logs job/pipeline >"$out/pipeline-$name.log" 2>&1 || true
  job_seconds pipeline
}
cluster_checksums() {
  "${checksum[@]}" "sc://$(service_ip spark-connect):15002" \
    s3a://kindling/out/orders_clean s3a://kindling/out/daily_revenue
}
# The overlay's executor count as it was: `kindling k8s scale` rewrites it, an aborted e2e puts it back.
executors_file="$repo/k8s/overlays/local/executors.properties"
executors_before="$(cat "$executors_file")"
forward_pid=""
restore_overlay() {
  [[ -z "$forward_pid" ]] || kill "$forward_pid" 2>/dev/null || true
  [[ "$(cat "$executors_file")" == "$executors_before" ]] || printf '%s\n' "$executors_before" >"$executors_file"
}
scale_to() {
  local t=$SECONDS
  "${kindling[@]}" k8s scale --executors "$1" >>"$out/scale.txt" 2>&1 || { tail -5 "$out/scale.txt" >&2; return 1; }
  echo $((SECONDS - t))
}
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
job_log_has() { kctl "${ns[@]}" logs job/pipeline 2>/dev/null | grep -q "$1"; }
app_id() { curl -fsS "$1/api/v1/applications" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].id))'; }

say "1/10 kindling k8s up"
t=$SECONDS
bash "$here/up.sh"
record "cluster up (s)" "$((SECONDS - t))"

say "2-3/10 kindling k8s deploy: images (built if needed, imported), k8s/overlays/local, 2 executor pods"
t=$SECONDS
bash "$here/deploy.sh"
record "deployed incl. images, 2 executor pods running (s)" "$((SECONDS - t))"
kctl "${ns[@]}" get pods -o wide | tee "$out/pods.txt"
# A second apply of the same overlay changes nothing (idempotent manifests, on the real cluster).
kctl apply -k "$repo/k8s/overlays/local" >"$out/apply-again.txt"
check "second kubectl apply -k: all unchanged" "$(grep -vc ' unchanged$' "$out/apply-again.txt" || true)" "0"

say "4/10 data-load Job (kindling generate --size $size, upload to s3://kindling/data/raw)"
t=$SECONDS
kctl "${ns[@]}" delete job data-load --ignore-not-found --wait >/dev/null # left by an earlier e2e
kctl apply -k "$repo/k8s/overlays/local/jobs" -l app.kubernetes.io/name=data-load
kctl "${ns[@]}" wait job/data-load --for=condition=complete --timeout=900s
kctl "${ns[@]}" logs job/data-load -c upload | tee "$out/data-load.log"
record "data-load Job (s)" "$((SECONDS - t))"

say "5/10 local reference run (same generator options, local[*])"
ref="$out/local"
t=$SECONDS
"${kindling[@]}" generate --size "$size" --out "$ref/data/raw" >/dev/null
"${kindling[@]}" run "$repo/pipelines/example.yaml" --set "data_dir=$ref/data" --set "out_dir=$ref/out" --json >"$ref/run.json"
record "local run incl. server start (s)" "$((SECONDS - t))"
"${checksum[@]}" "local[2]" "$ref/out/orders_clean" "$ref/out/daily_revenue" | tee "$out/checksum-local.txt"
local_sums="$(sed 's/"path":"[^"]*",//' "$out/checksum-local.txt")"

say "6/10 pipeline Job, 2 executor pods"
secs="$(run_pipeline_job exec2)"
record "pipeline Job, 2 executors (s)" "$secs"
cluster_checksums | tee "$out/checksum-exec2.txt"
check "checksum 2 executors = local" "$(sed 's/"path":"[^"]*",//' "$out/checksum-exec2.txt")" "$local_sums"

say "7/10 pipeline Job, an executor pod deleted mid-run (as it starts writing its first output)"
secs_kill="$(run_pipeline_job kill first)"
record "pipeline Job, executor deleted at its first output (s)" "$secs_kill"
cluster_checksums | tee "$out/checksum-kill.txt"
check "checksum after executor loss = local" "$(sed 's/"path":"[^"]*",//' "$out/checksum-kill.txt")" "$local_sums"
ui="http://$(service_ip spark-connect):4040"
app="$(curl -fsS "$ui/api/v1/applications" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].id))')"
curl -fsS "$ui/api/v1/applications/$app/allexecutors" >"$out/executors.json"
curl -fsS "$ui/api/v1/applications/$app/stages" >"$out/stages.json"
record "executors lost (Spark REST)" "$(node -e 'const e=require(process.argv[1]);console.log(e.filter(x=>x.id!=="driver"&&!x.isActive).map(x=>`${x.id}: ${x.removeReason??""}`).join("; ")||"none")' "$out/executors.json")"
record "failed/retried tasks (Spark REST)" "$(node -e 'const s=require(process.argv[1]);console.log(s.reduce((a,x)=>a+(x.numFailedTasks||0),0)+" failed tasks, "+s.filter(x=>x.attemptId>0).length+" stage re-attempts")' "$out/stages.json")"

say "7b/10 pipeline Job, an executor pod deleted as it writes its last output: the loss is in the run's report"
secs_late="$(run_pipeline_job late last)"
record "pipeline Job, executor deleted at its last output (s)" "$secs_late"
# The report as the Job wrote it to the store (kindling k8s report: port-forward + Secret).
"${kindling[@]}" k8s report --format json >"$out/report-late.json"
lost_in_report="$(node -e 'const r=require(process.argv[1]);console.log((r.spark?.executors??[]).filter(e=>!e.active).length)' "$out/report-late.json")"
record "late loss: executors lost in the run's report" "$lost_in_report"
check "late loss is in the report" "$((lost_in_report > 0))" "1"

say "8/10 scaling during a run: kindling k8s scale --executors 3 while the pipeline Job runs"
# kindling k8s port-forward, as the docs give it, must follow the driver to its new pod.
pf_connect="$(free_port)"
pf_ui="$(free_port)"
"${kindling[@]}" k8s port-forward --connect-port "$pf_connect" --ui-port "$pf_ui" >"$out/port-forward.log" 2>&1 &
forward_pid=$!
wait_for port-forward 120 curl -fsS "http://127.0.0.1:$pf_ui/api/v1/applications"
kctl "${ns[@]}" delete job pipeline --ignore-not-found --wait >/dev/null
kctl apply -k "$repo/k8s/overlays/local/jobs" -l app.kubernetes.io/name=pipeline >/dev/null
t=$SECONDS
# Mid-run: once the Job's log shows an output being written.
wait_for "the pipeline Job writing its first output" 900 job_log_has ': running$'
record "scale 2 -> 3 during a run, at $((SECONDS - t))s of the Job: driver + 3 executors (s)" "$(scale_to 3)"
if ! kctl "${ns[@]}" wait job/pipeline --for=condition=complete --timeout=1200s >/dev/null; then
  record "pipeline Job through the scale" "FAILED (log: pipeline-scale.log)"
  failures=$((failures + 1))
fi
kctl "${ns[@]}" logs job/pipeline >"$out/pipeline-scale.log" 2>&1 || true
record "pipeline Job through the scale (s)" "$(job_seconds pipeline)"
# The Job's own retry (backoffLimit) must not be what saved the run: its one pod succeeded.
check "the Job's first pod succeeded (no pod retry)" "$(kctl "${ns[@]}" get job pipeline -o jsonpath='{.status.failed}')" ""
check "the run waited for the new driver and ran again" \
  "$(grep -c 'running the pipeline again from the start (attempt 2 of 3)' "$out/pipeline-scale.log")" "1"
cluster_checksums >"$out/checksum-scale.txt"
check "checksum through the scale = local" "$(sed 's/"path":"[^"]*",//' "$out/checksum-scale.txt")" "$local_sums"
"${kindling[@]}" k8s report --format json >"$out/report-scale.json"
check "the restart is in the run's report" \
  "$(node -e 'console.log((require(process.argv[1]).restarts??[]).length)' "$out/report-scale.json")" "1"
check "port-forward follows the new driver" "$(app_id "http://127.0.0.1:$pf_ui")" "$(app_id "http://$(service_ip spark-connect):4040")"
check "port-forward said it forwards again" "$(grep -c 'forwarding again once the new driver is Ready' "$out/port-forward.log")" "1"
kill "$forward_pid" 2>/dev/null || true
forward_pid=""

say "8b/10 one executor pod, then back to two"
record "scale 3 -> 1 (s)" "$(scale_to 1)"
record "pipeline Job, 1 executor (s)" "$(run_pipeline_job exec1)"
cluster_checksums >"$out/checksum-exec1.txt"
check "checksum 1 executor = local" "$(sed 's/"path":"[^"]*",//' "$out/checksum-exec1.txt")" "$local_sums"
record "scale 1 -> 2 (s)" "$(scale_to 2)"
check "executors.properties as before the e2e" "$(cat "$executors_file")" "$executors_before"

say "9/10 CronJob fires (schedule set to every minute for the test)"
t=$SECONDS
before="$(kctl "${ns[@]}" get jobs -o name)"
kctl "${ns[@]}" patch cronjob pipeline-nightly -p '{"spec":{"schedule":"*/1 * * * *","suspend":false}}' >/dev/null
# A Job of this firing, not one left from an earlier e2e on the same cluster state.
cron_job() { kctl "${ns[@]}" get jobs -o name | grep 'pipeline-nightly-' | grep -vxF -m1 "$before"; }
wait_for cronjob 180 cron_job
job="$(cron_job)"
kctl "${ns[@]}" patch cronjob pipeline-nightly -p '{"spec":{"suspend":true}}' >/dev/null
kctl "${ns[@]}" wait "$job" --for=condition=complete --timeout=1200s >/dev/null
record "CronJob fired and completed (s)" "$((SECONDS - t))"
kctl apply -k "$repo/k8s/overlays/local" >/dev/null # the nightly schedule again
kctl "${ns[@]}" patch cronjob pipeline-nightly -p '{"spec":{"suspend":false}}' >/dev/null

say "10/10 Prometheus holds Spark and Kindling metrics; every dashboard panel has data"
prom="http://$(service_ip prometheus):9090"
sleep 20
series() { curl -fsS "$prom/api/v1/query" --data-urlencode "query=count($1)" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s).data.result;console.log(r.length?r[0].value[1]:0)})'; }
record "Prometheus series: Spark driver" "$(series '{job="spark-driver"}')"
record "Prometheus series: Spark executors" "$(series '{job="spark-executors"}')"
record "Prometheus series: executor JVMs (agent)" "$(series '{job="spark-executor-jvm"}')"
record "Prometheus series: Kindling run (pushed)" "$(series '{job="kindling"}')"
curl -fsS "$prom/api/v1/targets" >"$out/prometheus-targets.json"
app="$(curl -fsS "$ui/api/v1/applications" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].id))')"
# Every query of every panel, with the variables at "All" and at this application and its last run.
if ! node --import tsx "$here/jobs/dashboard-check.ts" "$prom" kindling "$app" >"$out/dashboard.txt" 2>"$out/dashboard.err"; then
  [[ -s "$out/dashboard.txt" ]] || { record "dashboard check" "FAILED: $(tail -1 "$out/dashboard.err")"; failures=$((failures + 1)); }
fi
while IFS=$'\t' read -r panel verdict; do
  record "panel $panel" "$verdict"
  [[ "$verdict" == ok ]] || failures=$((failures + 1))
done <"$out/dashboard.txt"
kctl "${ns[@]}" get pods -o wide >"$out/pods-end.txt"
