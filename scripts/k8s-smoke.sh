#!/usr/bin/env bash
# Smoke test of the Kubernetes runtime against a REAL cluster (kind, k3d or GKE). The development
# machines have no API server; test/k8s/smoke-script.test.ts runs this script against the in-test fake
# API server (test/k8s/fake-apiserver) to keep the script itself working.
#
#   kind create cluster --name etl-smoke          # or: gcloud container clusters get-credentials ...
#   npm run build
#   scripts/k8s-smoke.sh                          # uses the current kubectl context
#
# Settings (environment):
#   ETL_NAMESPACE        namespace to use (default etl-smoke; created if missing, deleted at the end unless KEEP=1)
#   SMOKE_IMAGE          image of the test runs (default registry.k8s.io/pause:3.9: runs forever as any uid,
#                        so "Stop" has a live pod to kill). Use the extractor image to also see a real summary.
#
# What it checks, with the runtime code from dist/ and the kubeconfig of kubectl:
#   1. reconcile creates CronJob etl-s-smoke1; `kubectl get cronjobs -l app.kubernetes.io/managed-by=etl-monitor` finds it;
#      a second reconcile writes nothing (report.unchanged = 1)
#   2. runNow creates Job etl-x-smoke<ts>; its pod becomes Running as uid/gid 10001; labels find it by schedule and execution
#   3. stop deletes the Job with propagationPolicy=Background; `kubectl get pods -l job-name=<job>` is empty within 60 s (C14)
#   4. remove deletes the CronJob
set -euo pipefail

NS=${ETL_NAMESPACE:-etl-smoke}
IMAGE=${SMOKE_IMAGE:-registry.k8s.io/pause:3.9}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ENTRY="$ROOT/dist/services/api/src/adapters/runtime/kubernetes/index.js"

command -v kubectl >/dev/null || { echo "kubectl not found" >&2; exit 2; }
[ -f "$ENTRY" ] || { echo "build first: npm run build ($ENTRY missing)" >&2; exit 2; }
kubectl version --request-timeout=10s >/dev/null || { echo "no reachable cluster in the current kubectl context" >&2; exit 2; }

kubectl get namespace "$NS" >/dev/null 2>&1 || kubectl create namespace "$NS"
cleanup() {
  rm -f "${SMOKE_STATE:-}"
  kubectl -n "$NS" delete cronjobs,jobs -l app.kubernetes.io/managed-by=etl-monitor --cascade=background --ignore-not-found >/dev/null || true
  if [ "${KEEP:-0}" != 1 ] && [ "$NS" = etl-smoke ]; then kubectl delete namespace "$NS" --wait=false >/dev/null || true; fi
}
trap cleanup EXIT

EXEC="smoke$(date +%s)"
SMOKE_STATE=$(mktemp)
export ETL_NAMESPACE="$NS" ETL_EXTRACTOR_IMAGE="$IMAGE" POD_NAME=k8s-smoke SMOKE_EXEC="$EXEC" SMOKE_ENTRY="$ENTRY" SMOKE_STATE

node --input-type=module <<'NODE'
const { createKubernetesRuntime, kubernetesSettingsFromEnv, loadKubeConfig } = await import(process.env.SMOKE_ENTRY);
const settings = { ...kubernetesSettingsFromEnv(process.env), stopTimeoutMs: 60_000 };
const runtime = createKubernetesRuntime({ settings, kubeConfig: loadKubeConfig(), missedRunCheckIntervalMs: 0 });
const spec = {
  version: 1, scheduleId: 'smoke1',
  names: { schedule: 'Smoke', source: 'smoke-source', script: 'smoke-script', destination: 'smoke-destination' },
  source: { host: 'firebird.invalid', port: 3050, database: 'employee', user: 'ETL_READER', charset: 'UTF8', timeZone: 'UTC' },
  script: { name: 'smoke', sql: 'SELECT 1 FROM RDB$DATABASE', keyColumns: [] },
  destination: { kind: 'bigquery', projectId: 'smoke', dataset: 'smoke', table: 'smoke', writeMode: 'append' },
};
const template = { spec, secrets: [], maxRuntimeSeconds: 600 };
const schedule = { scheduleId: 'smoke1', scheduleName: 'Smoke', cron: '0 3 * * *', timeZone: 'UTC', active: false, template };
const check = (ok, what) => { console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`); if (!ok) process.exitCode = 1; };

await runtime.ping();
const first = await runtime.reconcile([schedule]);
check(first.created === 1 || first.updated === 1 || first.unchanged === 1, `reconcile #1 ${JSON.stringify(first)}`);
const second = await runtime.reconcile([schedule]);
check(second.unchanged === 1 && second.created + second.updated + second.deleted === 0, `reconcile #2 writes nothing ${JSON.stringify(second)}`);

const handle = await runtime.runNow({ executionId: process.env.SMOKE_EXEC, scheduleId: 'smoke1', trigger: 'manual', triggeredBy: 'k8s-smoke', template });
console.log(`created Job ${handle.name} (${handle.uid})`);
const { writeFileSync } = await import('node:fs');
writeFileSync(process.env.SMOKE_STATE, handle.name);
NODE

JOB=$(cat "$SMOKE_STATE")
FAILED=0
# check "<what>" <command...>: prints PASS/FAIL; a failure makes the script exit non-zero at the end.
check() {
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then echo "PASS $what"; else echo "FAIL $what"; FAILED=1; fi
}
check "kubectl finds the CronJob by label" sh -c "kubectl -n '$NS' get cronjobs -l app.kubernetes.io/managed-by=etl-monitor -o name | grep -qx cronjob.batch/etl-s-smoke1"
check "pod of $JOB is Running" kubectl -n "$NS" wait --for=jsonpath='{.status.phase}'=Running pod -l "job-name=$JOB" --timeout=120s
check "kubectl finds the Job by etl-monitor/execution=$EXEC" sh -c "kubectl -n '$NS' get jobs,pods -l etl-monitor/execution=$EXEC -o name | grep -qx job.batch/$JOB"
check "kubectl finds the Job by etl-monitor/schedule=smoke1" sh -c "kubectl -n '$NS' get jobs -l etl-monitor/schedule=smoke1 -o name | grep -qx job.batch/$JOB"
check "the pod runs as uid/gid 10001" sh -c "[ \"\$(kubectl -n '$NS' get pods -l job-name=$JOB -o jsonpath='{.items[0].spec.securityContext.runAsUser}/{.items[0].spec.securityContext.runAsGroup}')\" = 10001/10001 ]"

SMOKE_JOB="$JOB" node --input-type=module <<'NODE'
const { createKubernetesRuntime, kubernetesSettingsFromEnv, loadKubeConfig } = await import(process.env.SMOKE_ENTRY);
const settings = { ...kubernetesSettingsFromEnv(process.env), stopTimeoutMs: 60_000 };
const runtime = createKubernetesRuntime({ settings, kubeConfig: loadKubeConfig(), missedRunCheckIntervalMs: 0 });
const started = Date.now();
const outcome = await runtime.stop({ name: process.env.SMOKE_JOB, uid: '' });
console.log(`${outcome.terminated ? 'PASS' : 'FAIL'} stop: ${JSON.stringify(outcome)} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (!outcome.terminated) process.exitCode = 1;
await runtime.remove('smoke1');
NODE

check "no pod left for job-name=$JOB" sh -c "[ -z \"\$(kubectl -n '$NS' get pods -l job-name=$JOB -o name)\" ]"
check "CronJob removed" sh -c "[ -z \"\$(kubectl -n '$NS' get cronjobs -l etl-monitor/schedule=smoke1 -o name)\" ]"
[ "$FAILED" = 0 ] || { echo "k8s smoke test FAILED" >&2; exit 1; }
echo "k8s smoke test passed"
