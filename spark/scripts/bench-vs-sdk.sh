#!/usr/bin/env bash
# Side by side on one machine, alternating the order every round: `byol4j embed` (ONNX engine) against
# `byol4j embed --engine spark --master local[2]` on the same folder and model; per run: wall time, the job's own
# time and the process's CPU time (user+sys). Optionally a third engine: a spark job compiled from another
# revision (OLD_CLASSES=dir with its io/byol4j/spark classes, run in front of this build's class path).
# Optionally more spark variants: VARIANTS=file, one per line `NAME|JVM OPTIONS|EXTRA JOB ARGUMENTS|ENV ASSIGNMENTS`
# (JVM options go to BYOL4J_JAVA_OPTS; Spark reads -Dspark.* JVM options as its configuration), each run as engine NAME (`byol4j embed` without
# --engine spark when NAME starts with sdk) in the same alternating rounds.
# ENGINES="sdk spark" by default (ENGINES=spark: variants against the Spark job only).
# Usage: spark/scripts/bench-vs-sdk.sh MODEL DATASET ROUNDS OUTDIR     (run after ./mvnw -B -DskipTests package)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
M=$1; D=$2; R=$3; O=$4; mkdir -p "$O"
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
--add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
-Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"
cpu="$O/.cpu"
run() {
  local eng=$1 s e line
  s=$(date +%s.%N)
  case $eng in
    sdk) line=$(/usr/bin/time -f %U+%S -o "$cpu" env BYOL4J_SKIP_BUILD=1 ./byol4j embed --model "$M" --dataset "$D" \
           --out "$O/sdk" --force 2>/dev/null | tail -1) ;;
    spark) line=$(/usr/bin/time -f %U+%S -o "$cpu" env BYOL4J_SKIP_BUILD=1 ./byol4j embed --engine spark \
           --master 'local[2]' --model "$M" --dataset "$D" --out "$O/spark" --force 2>/dev/null \
           | grep -v 'tasks done\|config:' | tr '\n' ' ') ;;
    v:sdk*) local spec opts envs
           spec=$(grep "^${eng#v:}|" "$VARIANTS" | head -1); opts=$(echo "$spec" | cut -d'|' -f2)
           envs=$(echo "$spec" | cut -d'|' -f4)
           # shellcheck disable=SC2086
           line=$(/usr/bin/time -f %U+%S -o "$cpu" env $envs BYOL4J_SKIP_BUILD=1 BYOL4J_JAVA_OPTS="$opts" ./byol4j embed \
           --model "$M" --dataset "$D" --out "$O/$eng" --force 2>/dev/null | tail -1) ;;
    v:*) local spec opts extra envs
           spec=$(grep "^${eng#v:}|" "$VARIANTS" | head -1); opts=$(echo "$spec" | cut -d'|' -f2)
           extra=$(echo "$spec" | cut -d'|' -f3); envs=$(echo "$spec" | cut -d'|' -f4)
           # shellcheck disable=SC2086
           line=$(/usr/bin/time -f %U+%S -o "$cpu" env $envs BYOL4J_SKIP_BUILD=1 BYOL4J_JAVA_OPTS="$opts" ./byol4j embed \
           --engine spark --master 'local[2]' --model "$M" --dataset "$D" --out "$O/$eng" --force $extra 2>/dev/null \
           | grep -v 'tasks done\|config:' | tr '\n' ' ') ;;
    old) line=$(/usr/bin/time -f %U+%S -o "$cpu" java $opens -Dlog4j2.configurationFile=spark/log4j2-local.properties \
           -cp "$OLD_CLASSES:spark/target/byol4j-spark-classpath.jar" io.byol4j.spark.SparkEmbedJob --master 'local[2]' \
           --model "$M" --dataset "$D" --out "$O/old" --force 2>/dev/null | grep -v 'tasks done\|config:' | tr '\n' ' ') ;;
  esac
  e=$(date +%s.%N)
  echo "round $r $eng wall_s $(echo "$e - $s" | bc) cpu_s $(tail -1 "$cpu" | bc) | $line"
}
engines="${ENGINES:-sdk spark}"; [ -n "${OLD_CLASSES:-}" ] && engines="sdk spark old"
if [ -n "${VARIANTS:-}" ]; then
  engines="$engines $(grep -v '^#' "$VARIANTS" | grep . | cut -d'|' -f1 | sed 's/^/v:/' | tr '\n' ' ')"
fi
for r in $(seq 1 "$R"); do
  uptime
  if [ $((r % 2)) = 1 ]; then order="$engines"; else order=$(echo $engines | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for eng in $order; do run "$eng"; done
done
uptime
