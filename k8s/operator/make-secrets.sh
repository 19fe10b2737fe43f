#!/usr/bin/env bash
# Operator variant, after `kubectl create -k k8s/operator/` and before the app and
# the load generator: the clients' Secrets for the operator's TLS cluster, in namespace crdb-evolution.
# Every URL dials crdb-public.crdb-evolution with sslmode=verify-full: the operator's node
# certificate names only localhost, 127.0.0.1, crdb-public[.crdb-evolution[.svc.cluster.local]] and
# *.crdb[.crdb-evolution[.svc.cluster.local]] (cockroachdb/cockroach-operator pkg/actor/generate_cert.go,
# generateNodeCert), so verify-full to crdb-writer or crdb-reader fails, and the secure cluster
# refuses sslmode=disable. k8s/README.md, "Operator variant: TLS names", says why not verify-ca.
#   crdb-ca             ca.crt: the operator's CA (from its Secret crdb-root), for the sample app
#   crdb-app-passwords  APP_WRITER_PASSWORD APP_READER_PASSWORD (kept when it exists)
#   crdb-admin          url (SQL Jobs), workload-url (TPC-C, database evolution): root with its client
#                       certificate (the load generator maps crdb-root to /certs/client.root.*)
#   sampleapp-db        APP_DB_WRITER_URL / APP_DB_READER_URL: passwords over verify-full
# and, for the presenter on this machine (demo/profiles/operator.json), the CA and root's client
# certificate in certs/operator/ (git-ignored), relative to the repository root.
#   k8s/operator/make-secrets.sh
set -euo pipefail
ns=crdb-evolution
out=certs/operator
# The operator writes crdb-root (keys ca.crt, tls.crt, tls.key) when it creates the cluster.
kubectl -n "$ns" get secret crdb-root >/dev/null
mkdir -p "$out" && chmod 700 "$out"
umask 077
kubectl -n "$ns" get secret crdb-root -o jsonpath='{.data.ca\.crt}' | base64 -d >"$out/ca.crt"
kubectl -n "$ns" get secret crdb-root -o jsonpath='{.data.tls\.crt}' | base64 -d >"$out/client.root.crt"
kubectl -n "$ns" get secret crdb-root -o jsonpath='{.data.tls\.key}' | base64 -d >"$out/client.root.key"
kubectl -n "$ns" create secret generic crdb-ca --from-file=ca.crt="$out/ca.crt" --dry-run=client -o yaml | kubectl apply -f -

if kubectl -n "$ns" get secret crdb-app-passwords >/dev/null 2>&1; then
    echo "make-secrets: Secret crdb-app-passwords exists; keeping the passwords"
    writer_pw=$(kubectl -n "$ns" get secret crdb-app-passwords -o jsonpath='{.data.APP_WRITER_PASSWORD}' | base64 -d)
    reader_pw=$(kubectl -n "$ns" get secret crdb-app-passwords -o jsonpath='{.data.APP_READER_PASSWORD}' | base64 -d)
else
    # Hex: safe inside a URL without escaping.
    writer_pw=$(openssl rand -hex 16)
    reader_pw=$(openssl rand -hex 16)
    kubectl -n "$ns" create secret generic crdb-app-passwords --from-literal=APP_WRITER_PASSWORD="$writer_pw" \
        --from-literal=APP_READER_PASSWORD="$reader_pw" --dry-run=client -o yaml | kubectl apply -f -
fi

# The URLs are written out in full (no shared variable for the host or sslmode) so that
# tests/story/validate-manifests.mjs checks each one against the certificate's names.
kubectl -n "$ns" create secret generic crdb-admin \
    --from-literal=url="postgresql://root@crdb-public.crdb-evolution:26257/defaultdb?sslmode=verify-full&sslrootcert=/certs/ca.crt&sslcert=/certs/client.root.crt&sslkey=/certs/client.root.key" \
    --from-literal=workload-url="postgresql://root@crdb-public.crdb-evolution:26257/evolution?sslmode=verify-full&sslrootcert=/certs/ca.crt&sslcert=/certs/client.root.crt&sslkey=/certs/client.root.key" \
    --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$ns" create secret generic sampleapp-db \
    --from-literal=APP_DB_WRITER_URL="postgresql://app_writer:$writer_pw@crdb-public.crdb-evolution:26257/evolution?sslmode=verify-full&sslrootcert=/certs/ca.crt&application_name=sampleapp-writer" \
    --from-literal=APP_DB_READER_URL="postgresql://app_reader:$reader_pw@crdb-public.crdb-evolution:26257/evolution?sslmode=verify-full&sslrootcert=/certs/ca.crt&application_name=sampleapp-reader" \
    --dry-run=client -o yaml | kubectl apply -f -
echo "make-secrets: Secrets ready in $ns; the presenter's certificates are in $out"
