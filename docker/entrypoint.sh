#!/bin/sh
# The image's ENTRYPOINT (exec form). SageMaker starts inference containers as
# `docker run <image> serve`: "serve" replaces this shell with hubbatch's server (exec, so
# SIGTERM reaches the JVM, which drains requests in flight); any other arguments run as a
# command, as the Hugging Face inference images' entrypoint does.
#   HUBBATCH_CLASSPATH  where hubbatch is (default /opt/hubbatch/hubbatch.jar)
#   JAVA_OPTS           JVM options (the images set -XX:MaxRAMPercentage=75)
set -e
if [ "${1:-}" = "serve" ]; then
  shift
  # shellcheck disable=SC2086
  exec java ${JAVA_OPTS:-} -cp "${HUBBATCH_CLASSPATH:-/opt/hubbatch/hubbatch.jar}" \
    ai.hubbatch.cli.Main serve "$@"
fi
if [ "$#" -eq 0 ]; then
  echo "usage: <image> serve [options] | <image> <command>..." >&2
  exit 2
fi
exec "$@"
