#!/usr/bin/env bash
# Soak: runs the packaged flowwatch for a while at a given input rate and prints, every interval, its heap after use,
# consumer lag, store size, flows classified and their rate, so a leak or a falling-behind shows as a trend.
#
#   src/test/scripts/soak.sh [minutes=10] [records/s=2000] [interval seconds=30]
#
# The input is flowwatch's own demo generator (flowwatch.demo.*: realistic records of all four formats for the demo
# topology, 5 % violations) running at the given rate inside the service. Kafka: $KAFKA_BOOTSTRAP when set, else
# Apache Kafka in-process (./mvnw -Pkafka-broker) on $SOAK_KAFKA_PORT (default 19192). The service gets -Xmx512m and a
# consumer group of its own, the API on $SOAK_HTTP_PORT (18080) and /q/* on $SOAK_MANAGEMENT_PORT (19000), tokens
# verified with the test-only key pair; its log is target/soak/flowwatch.log. Builds target/quarkus-app first when missing.
set -euo pipefail
cd "$(dirname "$0")/../../.."

MINUTES=${1:-10}
RATE=${2:-2000}
INTERVAL=${3:-30}
HTTP_PORT=${SOAK_HTTP_PORT:-18080}
MANAGEMENT_PORT=${SOAK_MANAGEMENT_PORT:-19000}
KAFKA_PORT=${SOAK_KAFKA_PORT:-19192}
OUT=target/soak
mkdir -p "$OUT"

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ -z "${KAFKA_BOOTSTRAP:-}" ]; then
  ./mvnw -B -q -o -Pkafka-broker -Dkafka.port="$KAFKA_PORT" > "$OUT/broker.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    grep -q "Kafka broker ready" "$OUT/broker.log" 2>/dev/null && break
    sleep 1
  done
  grep -q "Kafka broker ready" "$OUT/broker.log" || { echo "broker did not start: see $OUT/broker.log" >&2; exit 1; }
  KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT
fi

java -Xmx512m \
  -Dkafka.bootstrap.servers="$KAFKA_BOOTSTRAP" \
  -Dquarkus.http.port="$HTTP_PORT" \
  -Dquarkus.management.port="$MANAGEMENT_PORT" \
  -Dmp.jwt.verify.publickey.location=src/test/resources/security/test-public-key.pem \
  -Dmp.jwt.verify.issuer=https://issuer.flowwatch.test -Dmp.jwt.verify.audiences=flowwatch \
  -Dflowwatch.topology.path=classpath:demo/topology.yaml \
  -Dflowwatch.demo.enabled=true -Dflowwatch.demo.rate="$RATE" \
  -Dflowwatch.group="soak-$$" \
  -jar target/quarkus-app/quarkus-run.jar > "$OUT/flowwatch.log" 2>&1 &
PIDS+=($!)

for _ in $(seq 1 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready")" = 200 ] && break
  sleep 1
done

sum() { # sum of a metric's series in a /q/metrics text
  awk -v m="$1" 'index($0, m"{") == 1 || index($0, m" ") == 1 { s += $NF } END { printf "%.0f", s }'
}

echo "soak: ${MINUTES} min at ${RATE} records/s, Kafka ${KAFKA_BOOTSTRAP}, flowwatch http://127.0.0.1:${HTTP_PORT}" \
  "(management http://127.0.0.1:${MANAGEMENT_PORT})"
printf '%8s %10s %10s %10s %12s %10s %8s\n' elapsed_s heap_MiB lag_max stored flows flows/s ready
START=$(date +%s)
LAST_FLOWS=0
LAST_T=$START
END=$((START + MINUTES * 60))
while :; do
  NOW=$(date +%s)
  METRICS=$(curl -s "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" || true)
  HEALTH=$(curl -s "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" || true)
  HEAP=$(printf '%s\n' "$METRICS" | grep '^jvm_memory_used_bytes{area="heap"' | awk '{ s += $NF } END { printf "%.1f", s / 1048576 }')
  LAG=$(printf '%s\n' "$METRICS" | grep '^kafka_consumer_fetch_manager_records_lag_max{' | awk '{ s += $NF } END { printf "%.0f", s }')
  FLOWS=$(printf '%s\n' "$METRICS" | sum flowwatch_flows_total)
  STORED=$(printf '%s\n' "$HEALTH" | grep -o '"stored": *[0-9]*' | grep -o '[0-9]*$' || echo "?")
  READY=$(printf '%s\n' "$HEALTH" | grep -q '"status": *"UP"' && echo UP || echo DOWN)
  DT=$((NOW - LAST_T))
  RATE_NOW=$([ "$DT" -gt 0 ] && echo $(( (FLOWS - LAST_FLOWS) / DT )) || echo 0)
  printf '%8d %10s %10s %10s %12s %10s %8s\n' $((NOW - START)) "$HEAP" "$LAG" "$STORED" "$FLOWS" "$RATE_NOW" "$READY"
  LAST_FLOWS=$FLOWS
  LAST_T=$NOW
  [ "$NOW" -ge "$END" ] && break
  sleep "$INTERVAL"
done
