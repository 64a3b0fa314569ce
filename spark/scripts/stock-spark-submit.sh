#!/usr/bin/env bash
# Runs the embed job the way a stock Spark distribution's bin/spark-submit does, without a distribution:
#  1. a SPARK_HOME whose jars/ holds Spark's jars (links to spark/target/lib) and a RELEASE file, as in a binary
#     distribution;
#  2. Spark's launcher (org.apache.spark.launcher.Main, from spark-launcher_2.13) builds the java command for
#     org.apache.spark.deploy.SparkSubmit and prints it NUL-separated, read here the way bin/spark-class reads it;
#  3. the printed command is executed as is (class path "$SPARK_HOME/conf/:$SPARK_HOME/jars/*").
# Usage: spark/scripts/stock-spark-submit.sh SPARK_HOME_DIR [spark-submit arguments...]
# e.g.   spark/scripts/stock-spark-submit.sh /tmp/fake-spark --master 'local[2]' --class io.byol4j.spark.SparkEmbedJob \
#          --files model.onnx spark/target/byol4j-spark-job.jar --model model.onnx --dataset folder:DIR --out OUT
# Environment: SPARK_SUBMIT_PRINT=1 prints the launched command (arguments one per line) to stderr first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
home="$1"; shift
lib="$root/spark/target/lib"
[ -d "$lib" ] || { echo "stock-spark-submit: build the spark module first (./mvnw -B -DskipTests package)" >&2; exit 1; }
mkdir -p "$home/jars" "$home/conf"
for j in "$lib"/*.jar; do ln -sf "$j" "$home/jars/$(basename "$j")"; done
echo "Spark 4.0.1 (fake distribution for byol4j: Spark's jars from spark/target/lib)" >"$home/RELEASE"
export SPARK_HOME="$home"
# bin/load-spark-env.sh of a Spark 4 distribution exports the Scala version; the launcher needs it.
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# The launcher first prints any messages line by line, then a line holding only a NUL, then the command as
# NUL-terminated arguments; this script appends the launcher's exit status, also NUL-terminated.
cmd=()
in_command=0
delim=$'\n'
while IFS= read -r -d "$delim" arg; do
  if [ "$in_command" = 1 ]; then
    cmd+=("$arg")
  elif [ -z "$arg" ]; then   # bash drops the NUL: the marker line reads as empty
    in_command=1
    delim=''
  else
    echo "$arg"
  fi
done < <("$java_bin" -Xmx128m -cp "$home/jars/*" org.apache.spark.launcher.Main \
           org.apache.spark.deploy.SparkSubmit "$@"; printf '%d\0' $?)
[ "${#cmd[@]}" -gt 0 ] || { echo "stock-spark-submit: Spark's launcher printed nothing" >&2; exit 1; }
status="${cmd[${#cmd[@]}-1]}"
unset 'cmd[${#cmd[@]}-1]'
if [ "$status" != 0 ] || [ "${#cmd[@]}" = 0 ]; then
  echo "stock-spark-submit: Spark's launcher failed (status $status)" >&2
  exit 1
fi
if [ "${SPARK_SUBMIT_PRINT:-0}" = 1 ]; then
  printf '%s\n' "${cmd[@]}" >&2
fi
exec "${cmd[@]}"
