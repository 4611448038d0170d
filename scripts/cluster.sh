#!/usr/bin/env bash
# Starts a local three-member AEZEN cluster on loopback sharing the private dev PostgreSQL.
# Members serve HTTP on :8081, :8082, :8083; Ctrl-C stops all three. Logs go to .data/cluster/member-N.log.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR=${DATA_DIR:-.data}
PG_PORT=${PG_PORT:-54320}
if [ -z "${DATABASE_URL:-}" ]; then
  scripts/pg.sh start "$DATA_DIR/pg" "$PG_PORT"
  DATABASE_URL="$(scripts/pg.sh url "$DATA_DIR/pg" "$PG_PORT")"
fi
export DATABASE_URL
go build -o bin/aezen ./cmd/aezen
mkdir -p "$DATA_DIR/cluster"

# Every member must share the secrets: generate them once for the cluster.
SECRETS="$DATA_DIR/cluster/secrets.env"
if [ ! -f "$SECRETS" ]; then
  {
    echo "AEZEN_JWT_SECRET=$(head -c 32 /dev/urandom | base64)"
    echo "AEZEN_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)"
    echo "AEZEN_OPS_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  } > "$SECRETS"
  chmod 600 "$SECRETS"
fi
set -a; . "$SECRETS"; set +a

# Members talk over mutual TLS: a throwaway cluster CA and member certificate, made once.
TLS_DIR="$DATA_DIR/cluster/tls"
[ -f "$TLS_DIR/ca.crt" ] || bin/aezen cluster-ca "$TLS_DIR" >/dev/null
export AEZEN_CLUSTER_TLS_CA="$TLS_DIR/ca.crt" AEZEN_CLUSTER_TLS_CERT="$TLS_DIR/member.crt" AEZEN_CLUSTER_TLS_KEY="$TLS_DIR/member.key"

export AEZEN_CLUSTER_PROVIDER=automanaged AEZEN_NODE_HOST=127.0.0.1
export AEZEN_CLUSTER_PEERS=127.0.0.1:6331,127.0.0.1:6332,127.0.0.1:6333

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait; }
trap cleanup EXIT INT TERM
for i in 1 2 3; do
  AEZEN_HTTP_ADDR=127.0.0.1:808$i AEZEN_NODE_PORT=709$i AEZEN_AUTOMANAGED_PORT=633$i \
    bin/aezen serve >"$DATA_DIR/cluster/member-$i.log" 2>&1 &
  pids+=($!)
done

for i in 1 2 3; do
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:808$i/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
done
cat <<MSG
AEZEN cluster of three members is up:
  http://127.0.0.1:8081  http://127.0.0.1:8082  http://127.0.0.1:8083
Any member serves any tenant. Look at the cluster with the operator token:
  curl -s -H "Authorization: Bearer $AEZEN_OPS_TOKEN" http://127.0.0.1:8081/api/ops/cluster
Logs: $DATA_DIR/cluster/member-{1,2,3}.log. Ctrl-C stops the cluster.
MSG
wait
