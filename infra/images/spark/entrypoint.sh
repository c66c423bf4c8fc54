#!/bin/bash
# Entrypoint of Kindling's Spark image (the Maven jars have none of their own).
#
#   driver   [--conf k=v ...]  the Spark Connect server (the driver); Spark configuration comes from
#                              /opt/spark/conf/*.properties in name order (k=v lines, e.g. a
#                              mounted ConfigMap), then SPARK_CONF_FILE, then --conf arguments.
#   executor                   an executor pod, started by the driver's Kubernetes scheduler
#                              backend with SPARK_DRIVER_URL, SPARK_EXECUTOR_* and SPARK_JAVA_OPT_<n>.
#   <anything else>            run as a command (e.g. bash).
set -euo pipefail

# The module openings Spark's own launcher passes on Java 17+.
java_opts=(
  -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
)
classpath="${SPARK_HOME:-/opt/spark}/jars/*"

# Appends -Dk=v for every non-comment k=v line of a properties file.
props_file() {
  local line
  [[ -f "$1" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == \#* ]] && continue
    java_opts+=("-D${line}")
  done <"$1"
}

mode="${1:-driver}"
[[ $# -gt 0 ]] && shift
case "$mode" in
  driver)
    for file in "${SPARK_HOME:-/opt/spark}"/conf/*.properties; do props_file "$file"; done
    props_file "${SPARK_CONF_FILE:-}"
    # In-cluster identity: executors call back to this pod's IP; they are owned by this pod.
    [[ -n "${SPARK_DRIVER_POD_IP:-}" ]] && java_opts+=("-Dspark.driver.host=$SPARK_DRIVER_POD_IP")
    [[ -n "${SPARK_DRIVER_POD_NAME:-}" ]] && java_opts+=("-Dspark.kubernetes.driver.pod.name=$SPARK_DRIVER_POD_NAME")
    [[ -n "${SPARK_NAMESPACE:-}" ]] && java_opts+=("-Dspark.kubernetes.namespace=$SPARK_NAMESPACE")
    # The application id follows from the pod (spark-<uid without dashes>), so that Prometheus's pod
    # discovery can put it on this pod's series (executor pods carry it as spark-app-selector).
    [[ -n "${SPARK_DRIVER_POD_UID:-}" ]] && java_opts+=("-Dspark.app.id=spark-${SPARK_DRIVER_POD_UID//-/}")
    while [[ $# -gt 0 ]]; do
      case "$1" in
        --conf) java_opts+=("-D$2"); shift 2 ;;
        *) echo "entrypoint: unknown driver argument '$1'" >&2; exit 2 ;;
      esac
    done
    exec java -Xmx"${SPARK_DRIVER_MEMORY:-1g}" "${java_opts[@]}" -cp "$classpath" \
      org.apache.spark.sql.connect.service.SparkConnectServer
    ;;
  executor)
    # SPARK_JAVA_OPT_0, _1, ... in numeric order (the executor's spark.* settings and extraJavaOptions).
    while IFS= read -r name; do
      java_opts+=("${!name}")
    done < <(compgen -e | grep '^SPARK_JAVA_OPT_' | sort -t_ -k4 -n)
    exec java -Xms"$SPARK_EXECUTOR_MEMORY" -Xmx"$SPARK_EXECUTOR_MEMORY" "${java_opts[@]}" \
      -cp "$classpath" org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
      --driver-url "$SPARK_DRIVER_URL" --executor-id "$SPARK_EXECUTOR_ID" \
      --cores "$SPARK_EXECUTOR_CORES" --app-id "$SPARK_APPLICATION_ID" \
      --hostname "${SPARK_EXECUTOR_POD_IP:-$(hostname -i)}" \
      --resourceProfileId "${SPARK_RESOURCE_PROFILE_ID:-0}" --podName "${SPARK_EXECUTOR_POD_NAME:-$(hostname)}"
    ;;
  *) exec "$mode" "$@" ;;
esac
