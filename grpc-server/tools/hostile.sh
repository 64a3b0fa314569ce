#!/usr/bin/env bash
# Reproduces issue 10's hostile client against `byol4j serve` on loopback and reports the server's peak
# resident memory, thread count, CPU after a call's deadline passed, and OutOfMemoryErrors.
#   ./mvnw -B -q -o -DskipTests package && grpc-server/tools/hostile.sh MODEL.onnx [PORT] [CALLS] [serve flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
model="$1"; port="${2:-50231}"; calls="${3:-32}"; shift $(( $# < 3 ? $# : 3 ))
log="$(mktemp /tmp/byol4j-hostile.XXXXXX.log)"
BYOL4J_SKIP_BUILD=1 ./byol4j serve --model "$model" --port "$port" "$@" >"$log" 2>&1 &
launcher=$!
for _ in $(seq 1 120); do grep -q "SERVING on" "$log" && break; sleep 0.5; done
server=$(pgrep -P "$launcher" java || echo "$launcher")
peak_file="$(mktemp)"; echo 0 >"$peak_file"
( peak=0; while kill -0 "$server" 2>/dev/null; do
    r=$(awk '/VmRSS/{print $2}' "/proc/$server/status" 2>/dev/null || echo 0); r=${r:-0}
    [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" >"$peak_file"; sleep 0.2; done ) &
java -Xmx3g -cp "cli/target/byol4j-cli.jar:cli/target/lib/*" grpc-server/tools/HostileClient.java "$port" "$calls"
cpu0=$(awk '{print $14+$15}' "/proc/$server/stat"); sleep 5; cpu1=$(awk '{print $14+$15}' "/proc/$server/stat")
echo "server CPU in the 5 s after the deadline call: $(( (cpu1 - cpu0) * 1000 / $(getconf CLK_TCK) )) ms"
echo "server peak RSS: $(( $(cat "$peak_file") / 1024 )) MB; threads now: $(ls "/proc/$server/task" | wc -l)"
echo "OutOfMemoryError lines in the server log: $(grep -c OutOfMemoryError "$log" || true)"
echo "refusals logged: $(grep -c 'call refused' "$log" || true) (log: $log)"
kill -TERM "$server"; wait "$launcher" || true
