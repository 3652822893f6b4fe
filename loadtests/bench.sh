#!/usr/bin/env bash
# Throughput of AiProxy against a bare YARP pass-through (the baseline) and the mock upstream itself.
# Usage: loadtests/bench.sh [options]      (run from anywhere; see loadtests/README.md)
#   -d, --duration 10s     wrk duration per measurement       -c, --connections 32   wrk connections
#   -t, --threads 2        wrk threads                         -r, --rounds 3         alternating rounds
#   --warmup 5s            wrk warm-up per target              --stream               SSE variant (stream: true)
#   --targets LIST         comma list of bare,proxy,mock,nometrics (default: bare,proxy,mock;
#                          nometrics = AiProxy with AiProxy:Metrics:Enabled=false, for the metrics-cost ratio)
#   --check                exit 1 when median(aiproxy/bare) < --min-ratio (default 0.85)
#   --chunks N / --chunk-delay-ms N   mock stream shape (default 5 / 0)
#   --no-build             reuse the last Release build
#   --mock-port 9000 --bare-port 8081 --proxy-port 8082
#   --proxy-root DIR       build and run src/Proxy from another checkout (default: this one)
#   --baseline-root DIR    also run src/Proxy of another checkout (say, the previous main) as target "baseline",
#                          in the same alternating rounds, and print aiproxy/baseline ratios (--baseline-port 8084)
#   Every proxy target also reports its CPU time per request (utime+stime from /proc over the wrk run), which is far
#   steadier than requests/s on a shared machine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION=10s CONNECTIONS=32 THREADS=2 ROUNDS=3 WARMUP=5s STREAM=0 CHECK=0 MIN_RATIO=0.85
TARGETS="bare,proxy,mock" BUILD=1 CHUNKS=5 CHUNK_DELAY_MS=0
MOCK_PORT=9000 BARE_PORT=8081 PROXY_PORT=8082 NOMETRICS_PORT=8083 BASELINE_PORT=8084
CONFIG="loadtests/bench/aiproxy.bench.json"
PROXY_ROOT="" BASELINE_ROOT=""

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    -d|--duration) DURATION="$2"; shift 2 ;;
    -c|--connections) CONNECTIONS="$2"; shift 2 ;;
    -t|--threads) THREADS="$2"; shift 2 ;;
    -r|--rounds) ROUNDS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --stream) STREAM=1; shift ;;
    --check) CHECK=1; shift ;;
    --min-ratio) MIN_RATIO="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --chunks) CHUNKS="$2"; shift 2 ;;
    --chunk-delay-ms) CHUNK_DELAY_MS="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --mock-port) MOCK_PORT="$2"; shift 2 ;;
    --bare-port) BARE_PORT="$2"; shift 2 ;;
    --proxy-port) PROXY_PORT="$2"; shift 2 ;;
    --config) CONFIG="$2"; shift 2 ;;
    --proxy-root) PROXY_ROOT="$(cd "$2" && pwd)"; shift 2 ;;
    --baseline-root) BASELINE_ROOT="$(cd "$2" && pwd)"; shift 2 ;;
    --baseline-port) BASELINE_PORT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

[[ -n $BASELINE_ROOT && ",$TARGETS," != *",baseline,"* ]] && TARGETS="$TARGETS,baseline"

log() { echo "bench: $*" >&2; }
has_target() { [[ ",$TARGETS," == *",$1,"* ]]; }

# ---- children: started here, killed by pid on any exit ----
PIDS=()
LOGDIR="$(mktemp -d /tmp/aiproxy-bench.XXXXXX)"
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools ----
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
command -v curl >/dev/null || { log "curl is required"; exit 2; }

MOCK_DLL=loadtests/MockUpstream/bin/Release/net10.0/MockUpstream.dll
BARE_DLL=loadtests/BareYarp/bin/Release/net10.0/BareYarp.dll
PROXY_SRC=${PROXY_ROOT:-$ROOT}/src/Proxy
PROXY_DLL=$PROXY_SRC/bin/Release/net10.0/AiProxy.dll
BASELINE_DLL=$BASELINE_ROOT/src/Proxy/bin/Release/net10.0/AiProxy.dll

if [[ $BUILD == 1 ]]; then
  log "building Release"
  dotnet build -c Release -nologo -v q loadtests/MockUpstream >"$LOGDIR/build-mock.log" 2>&1 || { cat "$LOGDIR/build-mock.log"; exit 2; }
  if has_target bare; then
    dotnet build -c Release -nologo -v q loadtests/BareYarp >"$LOGDIR/build-bare.log" 2>&1 || { cat "$LOGDIR/build-bare.log"; exit 2; }
  fi
  if has_target proxy || has_target nometrics; then
    if ! dotnet build -c Release -nologo -v q "$PROXY_SRC" >"$LOGDIR/build-proxy.log" 2>&1; then
      grep -E "error" "$LOGDIR/build-proxy.log" | sort -u | head -20 >&2 || true
      log "$PROXY_SRC does not build"
      exit 2
    fi
  fi
  if has_target baseline; then
    dotnet build -c Release -nologo -v q "$BASELINE_ROOT/src/Proxy" >"$LOGDIR/build-baseline.log" 2>&1 \
      || { grep -E "error" "$LOGDIR/build-baseline.log" | sort -u | head -20 >&2; log "$BASELINE_ROOT/src/Proxy does not build"; exit 2; }
  fi
fi

wait_ready() { # name url pid
  local i
  for i in $(seq 1 150); do
    if curl -s -o /dev/null --max-time 1 "$2"; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then log "$1 exited early:"; cat "$LOGDIR/$1.log" >&2; exit 2; fi
    sleep 0.2
  done
  log "$1 did not answer $2 in 30 s"; cat "$LOGDIR/$1.log" >&2; exit 2
}

port_free() {
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"; then
    log "port $1 is already in use; pick another with --$2-port"; exit 2
  fi
}

port_free "$MOCK_PORT" mock
dotnet "$MOCK_DLL" --urls "http://127.0.0.1:$MOCK_PORT" --chunks "$CHUNKS" --chunk-delay-ms "$CHUNK_DELAY_MS" >"$LOGDIR/mock.log" 2>&1 &
PIDS+=($!); wait_ready mock "http://127.0.0.1:$MOCK_PORT/v1/models" "${PIDS[-1]}"

declare -A URL PID
URL[mock]="http://127.0.0.1:$MOCK_PORT"
PID[mock]=${PIDS[-1]}
if has_target bare; then
  port_free "$BARE_PORT" bare
  dotnet "$BARE_DLL" --urls "http://127.0.0.1:$BARE_PORT" --upstream "http://127.0.0.1:$MOCK_PORT" >"$LOGDIR/bare.log" 2>&1 &
  PIDS+=($!); wait_ready bare "http://127.0.0.1:$BARE_PORT/v1/models" "${PIDS[-1]}"
  URL[bare]="http://127.0.0.1:$BARE_PORT"; PID[bare]=${PIDS[-1]}
fi
if has_target proxy; then
  port_free "$PROXY_PORT" proxy
  AiProxy__Providers__mock__BaseUrl="http://127.0.0.1:$MOCK_PORT/v1" \
    dotnet "$PROXY_DLL" --config "$CONFIG" --urls "http://127.0.0.1:$PROXY_PORT" >"$LOGDIR/proxy.log" 2>&1 &
  PIDS+=($!); wait_ready proxy "http://127.0.0.1:$PROXY_PORT/healthz" "${PIDS[-1]}"
  URL[proxy]="http://127.0.0.1:$PROXY_PORT"; PID[proxy]=${PIDS[-1]}
fi
if has_target nometrics; then
  port_free "$NOMETRICS_PORT" nometrics
  AiProxy__Providers__mock__BaseUrl="http://127.0.0.1:$MOCK_PORT/v1" AiProxy__Metrics__Enabled=false \
    dotnet "$PROXY_DLL" --config "$CONFIG" --urls "http://127.0.0.1:$NOMETRICS_PORT" >"$LOGDIR/nometrics.log" 2>&1 &
  PIDS+=($!); wait_ready nometrics "http://127.0.0.1:$NOMETRICS_PORT/healthz" "${PIDS[-1]}"
  URL[nometrics]="http://127.0.0.1:$NOMETRICS_PORT"; PID[nometrics]=${PIDS[-1]}
fi
if has_target baseline; then
  port_free "$BASELINE_PORT" baseline
  AiProxy__Providers__mock__BaseUrl="http://127.0.0.1:$MOCK_PORT/v1" \
    dotnet "$BASELINE_DLL" --config "$CONFIG" --urls "http://127.0.0.1:$BASELINE_PORT" >"$LOGDIR/baseline.log" 2>&1 &
  PIDS+=($!); wait_ready baseline "http://127.0.0.1:$BASELINE_PORT/healthz" "${PIDS[-1]}"
  URL[baseline]="http://127.0.0.1:$BASELINE_PORT"; PID[baseline]=${PIDS[-1]}
fi

ORDER=()
for t in bare proxy baseline nometrics mock; do has_target "$t" && ORDER+=("$t"); done

# One functional request per target first: a benchmark of 4xx answers would be meaningless.
for t in "${ORDER[@]}"; do
  code=$(curl -s -o "$LOGDIR/$t.probe" -w '%{http_code}' -H 'content-type: application/json' -H 'authorization: Bearer sk-bench-client' \
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"probe"}]}' "${URL[$t]}/v1/chat/completions")
  if [[ $code != 200 ]]; then log "$t answered $code to a probe: $(head -c 300 "$LOGDIR/$t.probe")"; exit 2; fi
done

export BENCH_STREAM=$STREAM
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; } # utime + stime, in clock ticks
CLK_TCK=$(getconf CLK_TCK)
run_wrk() { # target duration -> BENCH_JSON line, plus "cpu_us_per_req" of the target process
  local before after json requests
  before=$(cpu_ticks "${PID[$1]}")
  json=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --timeout 10s -s loadtests/bench/chat.lua "${URL[$1]}" 2>&1 \
    | tee -a "$LOGDIR/wrk-$1.log" | grep '^BENCH_JSON ' | sed 's/^BENCH_JSON //')
  after=$(cpu_ticks "${PID[$1]}")
  [[ -n $json ]] || return 0
  requests=$(sed -E 's/.*"requests":([0-9]+).*/\1/' <<<"$json")
  awk -v j="$json" -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" \
    'BEGIN {printf "%s,\"cpu_us_per_req\":%.2f}\n", substr(j, 1, length(j) - 1), (n > 0 ? t * 1e6 / hz / n : 0)}'
}
field() { sed -E "s/.*\"$2\":([0-9.]+).*/\1/" <<<"$1"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

for t in "${ORDER[@]}"; do log "warm-up $t ($WARMUP)"; run_wrk "$t" "$WARMUP" >/dev/null; done

declare -A RESULTS
for r in $(seq 1 "$ROUNDS"); do
  for t in "${ORDER[@]}"; do
    json=$(run_wrk "$t" "$DURATION")
    [[ -n $json ]] || { log "wrk produced no result for $t"; tail -5 "$LOGDIR/wrk-$t.log" >&2; exit 2; }
    RESULTS[$t,$r]=$json
    log "round $r $t: $(field "$json" rps) req/s, p99 $(field "$json" lat_p99_ms) ms, cpu $(field "$json" cpu_us_per_req) us/req, non2xx $(field "$json" non2xx), socket errors $(field "$json" socket_errors)"
  done
done

# ---- summary ----
MODE=$([[ $STREAM == 1 ]] && echo stream || echo json)
printf '\n%-9s %12s %12s %10s %10s %12s %10s %8s\n' target "median rps" "min..max" "p50 ms" "p99 ms" "cpu us/req" "non2xx" "errors"
declare -A MED
for t in "${ORDER[@]}"; do
  rps=(); p50=(); p99=(); cpu=(); bad=0; errs=0
  for r in $(seq 1 "$ROUNDS"); do
    j=${RESULTS[$t,$r]}
    rps+=("$(field "$j" rps)"); p50+=("$(field "$j" lat_p50_ms)"); p99+=("$(field "$j" lat_p99_ms)"); cpu+=("$(field "$j" cpu_us_per_req)")
    bad=$((bad + $(field "$j" non2xx))); errs=$((errs + $(field "$j" socket_errors)))
  done
  MED[$t]=$(printf '%s\n' "${rps[@]}" | median)
  range="$(printf '%s\n' "${rps[@]}" | sort -g | head -1 | cut -d. -f1)..$(printf '%s\n' "${rps[@]}" | sort -g | tail -1 | cut -d. -f1)"
  printf '%-9s %12s %12s %10s %10s %12s %10s %8s\n' "$t" "${MED[$t]}" "$range" \
    "$(printf '%s\n' "${p50[@]}" | median)" "$(printf '%s\n' "${p99[@]}" | median)" "$(printf '%s\n' "${cpu[@]}" | median)" "$bad" "$errs"
done

ratio_of() { # a b -> median over rounds of rps(a)/rps(b), rounds are adjacent in time so drift cancels
  local r
  for r in $(seq 1 "$ROUNDS"); do
    awk -v a="$(field "${RESULTS[$1,$r]}" rps)" -v b="$(field "${RESULTS[$2,$r]}" rps)" 'BEGIN {printf "%.4f\n", (b>0 ? a/b : 0)}'
  done | median
}

RATIO=""
echo
if has_target proxy && has_target bare; then
  RATIO=$(printf '%.2f' "$(ratio_of proxy bare)")
  echo "ratio aiproxy/bare = $RATIO"
fi
if has_target bare && has_target mock; then echo "ratio bare/mock    = $(printf '%.2f' "$(ratio_of bare mock)")"; fi
if has_target proxy && has_target baseline; then
  echo "ratio aiproxy/baseline = $(printf '%.2f' "$(ratio_of proxy baseline)") (requests/s)"
  cpu_ratio=$(for r in $(seq 1 "$ROUNDS"); do
    awk -v a="$(field "${RESULTS[proxy,$r]}" cpu_us_per_req)" -v b="$(field "${RESULTS[baseline,$r]}" cpu_us_per_req)" 'BEGIN {printf "%.4f\n", (b>0 ? a/b : 0)}'
  done | median)
  echo "ratio aiproxy/baseline = $(printf '%.2f' "$cpu_ratio") (CPU time per request)"
fi
if has_target proxy && has_target nometrics; then echo "ratio metrics-on/off = $(printf '%.2f' "$(ratio_of proxy nometrics)")"; fi

# ---- machine-readable result ----
mkdir -p loadtests/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="loadtests/results/bench-$MODE-$STAMP.json"
{
  printf '{"time":"%s","mode":"%s","duration":"%s","connections":%s,"threads":%s,"rounds":%s,"chunks":%s,"chunk_delay_ms":%s,"cpus":%s,' \
    "$STAMP" "$MODE" "$DURATION" "$CONNECTIONS" "$THREADS" "$ROUNDS" "$CHUNKS" "$CHUNK_DELAY_MS" "$(nproc)"
  printf '"ratio_aiproxy_bare":%s,"min_ratio":%s,"targets":{' "${RATIO:-null}" "$MIN_RATIO"
  first=1
  for t in "${ORDER[@]}"; do
    [[ $first == 1 ]] || printf ','; first=0
    printf '"%s":{"median_rps":%s,"rounds":[' "$t" "${MED[$t]}"
    for r in $(seq 1 "$ROUNDS"); do [[ $r == 1 ]] || printf ','; printf '%s' "${RESULTS[$t,$r]}"; done
    printf ']}'
  done
  printf '}}\n'
} >"$OUT"
echo "results: $OUT"

if [[ $CHECK == 1 ]]; then
  if [[ -z $RATIO ]]; then log "--check needs both proxy and bare targets"; exit 2; fi
  if awk -v r="$RATIO" -v m="$MIN_RATIO" 'BEGIN {exit !(r < m)}'; then
    log "FAIL: aiproxy/bare $RATIO < $MIN_RATIO"; exit 1
  fi
  log "OK: aiproxy/bare $RATIO >= $MIN_RATIO"
fi
