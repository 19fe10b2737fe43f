#!/usr/bin/env bash
# Secure mode, step 1: creates the CA, the node certificate, root's client certificate and the
# application passwords, and stores them as Secrets in namespace crdb-evolution:
#   crdb-node-certs     ca.crt node.crt node.key client.root.crt client.root.key (mounted by the nodes)
#   crdb-client-root    ca.crt client.root.crt client.root.key (SQL Jobs, load generator, init Job)
#   crdb-ca             ca.crt (the sample app, for sslmode=verify-full)
#   crdb-app-passwords  APP_WRITER_PASSWORD APP_READER_PASSWORD (set by the SQL Jobs via sqlapply)
#   crdb-admin          url (SQL Jobs), workload-url (TPC-C, database evolution): root over
#                       verify-full with the client certificate
#   sampleapp-db        APP_DB_WRITER_URL / APP_DB_READER_URL: passwords over verify-full
# Needs `cockroach` on PATH (or COCKROACH="docker run --rm -v ...") and kubectl. Idempotent: it never
# replaces existing certificates or passwords (that would lock the running cluster out); to rotate,
# follow CockroachDB's certificate rotation docs.
#   k8s/secure/make-certs.sh [certs-dir]
set -euo pipefail
ns=crdb-evolution
dir=${1:-${CERTS_DIR:-$HOME/.crdb-live-evolution/certs}}
cockroach=${COCKROACH:-cockroach}
mkdir -p "$dir/certs" && chmod 700 "$dir"

if kubectl -n "$ns" get secret crdb-node-certs >/dev/null 2>&1; then
    echo "make-certs: Secret crdb-node-certs exists; keeping the cluster's certificates"
else
    [ -f "$dir/certs/ca.crt" ] || $cockroach cert create-ca --certs-dir="$dir/certs" --ca-key="$dir/ca.key"
    # Every name a client may dial: pods (crdb-N.crdb), the headless Service, crdb-writer, crdb-reader.
    hosts=(localhost 127.0.0.1)
    for svc in crdb crdb-writer crdb-reader crdb-public; do
        hosts+=("$svc" "$svc.$ns" "$svc.$ns.svc" "$svc.$ns.svc.cluster.local")
    done
    hosts+=("*.crdb" "*.crdb.$ns" "*.crdb.$ns.svc" "*.crdb.$ns.svc.cluster.local")
    [ -f "$dir/certs/node.crt" ] || $cockroach cert create-node "${hosts[@]}" --certs-dir="$dir/certs" --ca-key="$dir/ca.key"
    [ -f "$dir/certs/client.root.crt" ] || $cockroach cert create-client root --certs-dir="$dir/certs" --ca-key="$dir/ca.key"
    kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f -
    c="$dir/certs"
    kubectl -n "$ns" create secret generic crdb-node-certs --from-file="$c/ca.crt" --from-file="$c/node.crt" \
        --from-file="$c/node.key" --from-file="$c/client.root.crt" --from-file="$c/client.root.key" \
        --dry-run=client -o yaml | kubectl apply -f -
    kubectl -n "$ns" create secret generic crdb-client-root --from-file="$c/ca.crt" \
        --from-file="$c/client.root.crt" --from-file="$c/client.root.key" --dry-run=client -o yaml | kubectl apply -f -
    kubectl -n "$ns" create secret generic crdb-ca --from-file="$c/ca.crt" --dry-run=client -o yaml | kubectl apply -f -
fi

if kubectl -n "$ns" get secret crdb-app-passwords >/dev/null 2>&1; then
    echo "make-certs: Secret crdb-app-passwords exists; keeping the passwords"
    writer_pw=$(kubectl -n "$ns" get secret crdb-app-passwords -o jsonpath='{.data.APP_WRITER_PASSWORD}' | base64 -d)
    reader_pw=$(kubectl -n "$ns" get secret crdb-app-passwords -o jsonpath='{.data.APP_READER_PASSWORD}' | base64 -d)
else
    # Hex: safe inside a URL without escaping.
    writer_pw=$(openssl rand -hex 16)
    reader_pw=$(openssl rand -hex 16)
    kubectl -n "$ns" create secret generic crdb-app-passwords --from-literal=APP_WRITER_PASSWORD="$writer_pw" \
        --from-literal=APP_READER_PASSWORD="$reader_pw" --dry-run=client -o yaml | kubectl apply -f -
fi

tls="sslmode=verify-full&sslrootcert=/certs/ca.crt"
kubectl -n "$ns" create secret generic crdb-admin \
    --from-literal=url="postgresql://root@crdb-writer:26257/defaultdb?$tls&sslcert=/certs/client.root.crt&sslkey=/certs/client.root.key" \
    --from-literal=workload-url="postgresql://root@crdb-writer:26257/evolution?$tls&sslcert=/certs/client.root.crt&sslkey=/certs/client.root.key" \
    --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$ns" create secret generic sampleapp-db \
    --from-literal=APP_DB_WRITER_URL="postgresql://app_writer:$writer_pw@crdb-writer:26257/evolution?$tls&application_name=sampleapp-writer" \
    --from-literal=APP_DB_READER_URL="postgresql://app_reader:$reader_pw@crdb-reader:26257/evolution?$tls&application_name=sampleapp-reader" \
    --dry-run=client -o yaml | kubectl apply -f -
echo "make-certs: Secrets ready in $ns; CA key kept in $dir/ca.key (keep it safe, it signs new nodes)"
