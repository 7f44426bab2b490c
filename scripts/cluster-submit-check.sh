#!/usr/bin/env bash
# Submits the runner jars the way a cluster takes them, on this machine, and checks that each
# writes the DirectRunner's bytes for the sample reviews:
#   - flink: `flink run` (Flink's CliFrontend) to a session cluster (a JobManager and a TaskManager
#     JVM) started from Flink 1.19.0's own jars only; twice with the jar in the cluster's class
#     path and parent-first loading (docs/clusters.md, Flink), once without.
#   - spark: Spark's SparkSubmit, --master local[2], on the class path of Spark 3.5.5's own
#     dependency versions (Guava 14, Jackson 2.15, ...), as a Spark distribution has them.
#
# Usage: scripts/cluster-submit-check.sh flink|spark   (builds nothing: build the jar first with
# mvn -B -P<runner> -DskipTests package -pl <runner> -am). Needs Maven to resolve the engines'
# jars. Ports 18081 and 6123 must be free. Exits non-zero on any difference.
set -euo pipefail
runner=${1:?usage: $0 flink|spark}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The engine's own jars, resolved without hubbatch's version pins.
classpath() { # groupId:artifactId:version... plus an optional BOM as BOM=g:a:v
  local deps="" bom=""
  for gav in "$@"; do
    IFS=: read -r g a v <<<"${gav#BOM=}"
    if [[ $gav == BOM=* ]]; then
      bom="<dependencyManagement><dependencies><dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version><type>pom</type><scope>import</scope></dependency></dependencies></dependencyManagement>"
    else
      deps+="<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
    fi
  done
  mkdir -p "$work/resolve"
  echo "<project><modelVersion>4.0.0</modelVersion><groupId>check</groupId><artifactId>engine</artifactId><version>1</version>$bom<dependencies>$deps</dependencies></project>" >"$work/resolve/pom.xml"
  (cd "$work/resolve" && mvn -B -q -ntp -Dstyle.color=never dependency:build-classpath \
    -Dmdep.outputFile=cp >"$work/resolve/mvn.log" 2>&1) || { cat "$work/resolve/mvn.log" >&2; exit 1; }
  cat "$work/resolve/cp"
}

expected="$work/direct"
echo "cluster-submit-check: the DirectRunner's output" >&2
HUBBATCH_CDS=0 "$root/hubbatch" run --input "$root/samples/text/reviews.jsonl" --output "$expected" >/dev/null 2>&1

same() { # label output-folder
  if cmp -s "$expected/reviews.jsonl.out" "$2/reviews.jsonl.out" \
      && cmp -s "$expected/_errors.jsonl" "$2/_errors.jsonl"; then
    echo "cluster-submit-check: $1: the same bytes as the DirectRunner"
  else
    echo "cluster-submit-check: $1: DIFFERENT from the DirectRunner (or missing)" >&2
    exit 1
  fi
}

if [ "$runner" = spark ]; then
  cp=$(classpath BOM=org.apache.spark:spark-parent_2.12:3.5.5 \
    org.apache.spark:spark-core_2.12:3.5.5 org.apache.spark:spark-streaming_2.12:3.5.5)
  java @"$root/spark/java-options" -cp "$cp" org.apache.spark.deploy.SparkSubmit \
    --master 'local[2]' --class ai.hubbatch.cli.Main "$root/spark/target/hubbatch-spark.jar" \
    run --runner SparkRunner --input "$root/samples/text/reviews.jsonl" --output "$work/spark" \
    >"$work/spark.log" 2>&1 || { tail -30 "$work/spark.log" >&2; exit 1; }
  same "spark-submit" "$work/spark"
  exit 0
fi

cp=$(classpath org.apache.flink:flink-clients:1.19.0 org.apache.flink:flink-runtime:1.19.0 \
  org.apache.flink:flink-streaming-java:1.19.0 org.apache.flink:flink-java:1.19.0 \
  org.slf4j:slf4j-simple:1.7.36)
jar="$root/flink/target/hubbatch-flink.jar"
session() { # label extra-class-path extra-config jobs
  local conf="$work/conf-$1"
  mkdir -p "$conf"
  # Standalone start scripts derive the TaskManager's memory options; started by hand, it is given
  # them all (2.4 GB in total, 512 MB of it off-heap for the engine).
  cat >"$conf/flink-conf.yaml" <<EOF
jobmanager.rpc.address: localhost
jobmanager.bind-host: localhost
taskmanager.bind-host: localhost
taskmanager.host: localhost
rest.address: localhost
rest.bind-address: localhost
rest.port: 18081
jobmanager.memory.process.size: 1024m
taskmanager.numberOfTaskSlots: 2
parallelism.default: 2
taskmanager.cpu.cores: 2
taskmanager.memory.framework.heap.size: 128m
taskmanager.memory.task.heap.size: 1024m
taskmanager.memory.managed.size: 128m
taskmanager.memory.framework.off-heap.size: 128m
taskmanager.memory.task.off-heap.size: 512m
taskmanager.memory.network.min: 64m
taskmanager.memory.network.max: 64m
taskmanager.memory.jvm-metaspace.size: 256m
taskmanager.memory.jvm-overhead.min: 192m
taskmanager.memory.jvm-overhead.max: 192m
$3
EOF
  export FLINK_CONF_DIR=$conf
  java -Xmx512m -cp "$cp$2" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "$conf" >"$work/$1-jm.log" 2>&1 &
  local jm=$!
  pids+=("$jm")
  sleep 8
  java -Xmx1152m -XX:MaxDirectMemorySize=704m -XX:MaxMetaspaceSize=256m -cp "$cp$2" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$conf" >"$work/$1-tm.log" 2>&1 &
  local tm=$!
  pids+=("$tm")
  sleep 10
  for n in $(seq 1 "$4"); do
    local status=0
    java -cp "$cp$2" org.apache.flink.client.cli.CliFrontend run -m localhost:18081 "$jar" \
      run --runner FlinkRunner --input "$root/samples/text/reviews.jsonl" \
      --output "$work/$1-$n" >"$work/$1-$n.log" 2>&1 || status=$?
    if [ "$1" = plain ] && [ "$n" = 2 ]; then
      # A second job's class loader cannot load the natives the first one holds.
      grep -q 'already loaded in another classloader' "$work/$1-$n.log" && [ "$status" = 3 ] \
        && [ ! -e "$work/$1-$n/reviews.jsonl.out" ] \
        && echo "cluster-submit-check: flink run, job 2 on a plain session cluster: fails as docs/clusters.md says (exit 3, no output)" \
        || { echo "cluster-submit-check: job 2 on a plain session cluster did not fail as expected" >&2; exit 1; }
      continue
    fi
    [ "$status" = 0 ] || { tail -30 "$work/$1-$n.log" >&2; exit 1; }
    same "flink run, job $n on a $1 session cluster" "$work/$1-$n"
  done
  kill "$tm" "$jm"
  wait "$tm" "$jm" 2>/dev/null || true
}
session plain "" "" 2
session lib-parent-first ":$jar" "classloader.resolve-order: parent-first" 2
