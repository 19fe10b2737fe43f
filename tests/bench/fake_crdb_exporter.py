#!/usr/bin/env python3
"""Stand-in for CockroachDB's /_status/vars, for the presenter benchmark only.

No CockroachDB binary can run here, so this serves, for N nodes on N ports, the metrics the
presenter's cluster charts query (desktop/core/model/cluster_metrics.cpp), with values that move
every scrape. It makes every chart live in the benchmark; it proves nothing about CockroachDB.
Metric names and types are checked against tests/reference/cockroach-metrics.tsv at start.

Usage: fake_crdb_exporter.py FIRST_PORT NODES
"""
import http.server
import pathlib
import random
import sys
import threading
import time

GAUGES = ["liveness_livenodes", "ranges_underreplicated", "ranges_unavailable", "replicas", "replicas_leaseholders"]
BUCKETS_NS = [1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8, 1e9]


def check_names():
    ref = pathlib.Path(__file__).resolve().parents[1] / "reference" / "cockroach-metrics.tsv"
    types = dict(line.split("\t")[:2] for line in ref.read_text().splitlines()[1:] if "\t" in line)
    expected = {**{g: "GAUGE" for g in GAUGES}, "sql_query_count": "COUNTER", "sql_service_latency": "HISTOGRAM"}
    for name, kind in expected.items():
        if types.get(name) != kind:
            sys.exit(f"fake_crdb_exporter: {name} is not a {kind} in {ref}")


class Node:
    def __init__(self, index, nodes):
        self.index, self.nodes = index, nodes
        self.lock = threading.Lock()
        self.queries = 0.0
        self.buckets = [0.0] * len(BUCKETS_NS)
        self.latency_sum = 0.0
        self.t = time.monotonic()

    def render(self):
        with self.lock:
            now = time.monotonic()
            dt, self.t = now - self.t, now
            n = min(int(random.uniform(400, 600) * dt), 5000)
            self.queries += n
            for _ in range(n):
                v = random.lognormvariate(15, 0.8)  # about 3 ms median, in ns
                self.latency_sum += v
                for i, le in enumerate(BUCKETS_NS):
                    if v <= le:
                        self.buckets[i] += 1
            wobble = random.randint(0, 3)
            values = {
                "liveness_livenodes": self.nodes,
                "ranges_underreplicated": wobble if random.random() < 0.3 else 0,
                "ranges_unavailable": 0,
                "replicas": 60 + random.randint(-2, 2),
                "replicas_leaseholders": 20 + random.randint(-2, 2),
            }
            lines = []
            for name in GAUGES:
                lines += [f"# TYPE {name} gauge", f"{name} {values[name]}"]
            lines += ["# TYPE sql_query_count counter", f"sql_query_count {self.queries}"]
            lines.append("# TYPE sql_service_latency histogram")
            for le, count in zip(BUCKETS_NS, self.buckets):
                lines.append(f'sql_service_latency_bucket{{le="{le:.0f}"}} {count}')
            total = self.queries
            lines.append(f'sql_service_latency_bucket{{le="+Inf"}} {total}')
            lines += [f"sql_service_latency_sum {self.latency_sum}", f"sql_service_latency_count {total}"]
            return ("\n".join(lines) + "\n").encode()


def serve(port, node):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = node.render()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def main():
    first, nodes = int(sys.argv[1]), int(sys.argv[2])
    check_names()
    threads = [threading.Thread(target=serve, args=(first + i, Node(i, nodes)), daemon=True) for i in range(nodes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
