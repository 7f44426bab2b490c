#!/bin/sh
# Builds the sample's jar and, given a model folder, puts it in the model's code/ folder:
#   samples/custom-task/build.sh [MODEL_FOLDER]
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
mvn -B -q -f "$root/pom.xml" -pl samples/custom-task -am package -DskipTests
jar="$root/samples/custom-task/target/keyword-tagging.jar"
if [ $# -gt 0 ]; then
  mkdir -p "$1/code"
  cp "$jar" "$1/code/"
  echo "$1/code/keyword-tagging.jar"
else
  echo "$jar"
fi
