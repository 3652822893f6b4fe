#!/usr/bin/env bash
# Cache-hit throughput vs pass-through throughput of the same AiProxy (same request, temperature 0 vs 0.7).
# Usage: loadtests/bench-cache.sh [-d 10s] [-c 32] [-t 2] [-r 3] [--stream] [--no-build] [--mock-port 9000] [--proxy-port 8082]
# Pass-through requests (temperature 0.7) get x-aiproxy-cache: bypass and go to the mock upstream; cacheable ones
# (temperature 0) are all hits after one warm-up request. Prints median req/s of both and the ratio hit/pass-through.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DURATION=10s CONNECTIONS=32 THREADS=2 ROUNDS=3 STREAM=0 BUILD=1 MOCK_PORT=9000 PROXY_PORT=8082
while [[ $# -gt 0 ]]; do
  case "$1" in
    -d|--duration) DURATION="$2"; shift 2 ;;
    -c|--connections) CONNECTIONS="$2"; shift 2 ;;
    -t|--threads) THREADS="$2"; shift 2 ;;
    -r|--rounds) ROUNDS="$2"; shift 2 ;;
    --stream) STREAM=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --mock-port) MOCK_PORT="$2"; shift 2 ;;
    --proxy-port) PROXY_PORT="$2"; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-cache: unknown option $1" >&2; exit 2 ;;
  esac
done
log() { echo "bench-cache: $*" >&2; }

PIDS=()
LOGDIR="$(mktemp -d /tmp/aiproxy-bench-cache.XXXXXX)"
cleanup() { local pid; for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null || { log "wrk is required (apt-get install wrk)"; exit 2; }
MOCK_DLL=loadtests/MockUpstream/bin/Release/net10.0/MockUpstream.dll
PROXY_DLL=src/Proxy/bin/Release/net10.0/AiProxy.dll
if [[ $BUILD == 1 ]]; then
  log "building Release"
  dotnet build -c Release -nologo -v q loadtests/MockUpstream >"$LOGDIR/build.log" 2>&1 || { cat "$LOGDIR/build.log"; exit 2; }
  dotnet build -c Release -nologo -v q src/Proxy >>"$LOGDIR/build.log" 2>&1 || { grep error "$LOGDIR/build.log" | sort -u | head; exit 2; }
fi

wait_ready() { # name url pid
  local i
  for i in $(seq 1 150); do
    curl -s -o /dev/null --max-time 1 "$2" && return 0
    kill -0 "$3" 2>/dev/null || { log "$1 exited early:"; cat "$LOGDIR/$1.log" >&2; exit 2; }
    sleep 0.2
  done
  log "$1 did not answer $2"; exit 2
}

dotnet "$MOCK_DLL" --urls "http://127.0.0.1:$MOCK_PORT" >"$LOGDIR/mock.log" 2>&1 &
PIDS+=($!); wait_ready mock "http://127.0.0.1:$MOCK_PORT/v1/models" "${PIDS[-1]}"
AiProxy__Providers__mock__BaseUrl="http://127.0.0.1:$MOCK_PORT/v1" \
  dotnet "$PROXY_DLL" --config loadtests/bench/aiproxy.bench.json --urls "http://127.0.0.1:$PROXY_PORT" >"$LOGDIR/proxy.log" 2>&1 &
PIDS+=($!); wait_ready proxy "http://127.0.0.1:$PROXY_PORT/healthz" "${PIDS[-1]}"
URL="http://127.0.0.1:$PROXY_PORT"

export BENCH_STREAM=$STREAM
run_wrk() { # temperature duration -> BENCH_JSON line
  BENCH_TEMPERATURE="$1" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --timeout 10s -s loadtests/bench/chat.lua "$URL" 2>&1 \
    | tee -a "$LOGDIR/wrk-$1.log" | grep '^BENCH_JSON ' | sed 's/^BENCH_JSON //'
}
field() { sed -E "s/.*\"$2\":([0-9.]+).*/\1/" <<<"$1"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# The cache header of one request each: the comparison is meaningless unless it is hit vs bypass.
probe() { curl -s -D - -o /dev/null -H 'content-type: application/json' -H 'authorization: Bearer sk-bench-client' \
  -d "{\"model\":\"gpt-4o-mini\",\"temperature\":$1,\"messages\":[{\"role\":\"system\",\"content\":\"You are a load test.\"},{\"role\":\"user\",\"content\":\"Say hello in five words.\"}]}" \
  "$URL/v1/chat/completions" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-aiproxy-cache"{print $2}'; }
probe 0 >/dev/null
[[ $(probe 0) == hit ]] || { log "temperature 0 request is not a cache hit"; exit 2; }
[[ $(probe 0.7) == bypass ]] || { log "temperature 0.7 request is not a bypass"; exit 2; }

log "warm-up"; run_wrk 0 3s >/dev/null; run_wrk 0.7 3s >/dev/null
HIT=() PASS=()
for r in $(seq 1 "$ROUNDS"); do
  h=$(run_wrk 0 "$DURATION"); p=$(run_wrk 0.7 "$DURATION")
  HIT+=("$(field "$h" rps)"); PASS+=("$(field "$p" rps)")
  log "round $r: hit $(field "$h" rps) req/s (p99 $(field "$h" lat_p99_ms) ms, non2xx $(field "$h" non2xx)), pass-through $(field "$p" rps) req/s (p99 $(field "$p" lat_p99_ms) ms, non2xx $(field "$p" non2xx))"
done
H=$(printf '%s\n' "${HIT[@]}" | median); P=$(printf '%s\n' "${PASS[@]}" | median)
echo "mode=$([[ $STREAM == 1 ]] && echo stream || echo json) cache-hit median rps=$H pass-through median rps=$P ratio=$(awk -v a="$H" -v b="$P" 'BEGIN{printf "%.2f", (b>0?a/b:0)}')"
