// The sample app's traces, decoded by an implementation that is not the app's: the official
// OpenTelemetry protobuf definitions (opentelemetry-proto v1.11.0, next to this file) loaded by
// protobufjs from npm. A local OTLP/HTTP receiver takes what the real binary sends while it serves
// requests against the PostgreSQL fixture; every body is walked field by field against the
// message types (names, JSON types, the OTLP JSON deviations: hex ids, integer enums, 64-bit
// integers as strings or numbers), then built into a protobuf message (fromObject), encoded to
// the binary wire format, decoded and read back (toObject). The assertions read that decoded copy:
// a traceparent's trace id and parent carried into the server span and on to its database span,
// new traces without one, parent-based sampling, the HTTP and database attributes, the remote
// flags, a flush at shutdown, and no exporter thread and no tracing metrics when OTEL_* is unset.
//
// Environment: SAMPLEAPP_BIN, TEST_PG_PORT, NODE_TOOLS_DIR (tests/node).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer as createNetServer } from "node:net";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const need = (name) => {
    const v = process.env[name];
    if (!v) throw new Error(`environment variable ${name} is not set`);
    return v;
};
const bin = need("SAMPLEAPP_BIN");
const pgPort = need("TEST_PG_PORT");
const require = createRequire(path.join(need("NODE_TOOLS_DIR"), "package.json"));
const protobuf = require("protobufjs");
const protoDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "opentelemetry-proto");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
let passes = 0;
async function check(name, fn) {
    try {
        await fn();
        passes++;
        console.log(`PASS ${name}`);
    } catch (e) {
        failures++;
        console.log(`FAIL ${name}\n${e.stack || e}`);
    }
}

// ---- the independent decoder -------------------------------------------------------------------

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(protoDir, target);
root.loadSync("opentelemetry/proto/collector/trace/v1/trace_service.proto", { keepCase: false });
root.resolveAll();
const RequestType = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");

const INT64 = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const INT32 = new Set(["int32", "uint32", "sint32", "fixed32", "sfixed32"]);
// The OTLP JSON encoding's hex ids (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).
const HEX_ID_LENGTH = { traceId: 32, spanId: 16, parentSpanId: 16 };

// Walks `json` as message type `type`; returns a copy that protobufjs' fromObject reads (hex ids
// as bytes). Throws at the first field that is unknown or of the wrong JSON type.
function toProtoObject(type, json, where) {
    assert.equal(typeof json, "object", `${where}: an object is expected`);
    assert.ok(json !== null && !Array.isArray(json), `${where}: an object is expected`);
    const out = {};
    const byJsonName = new Map(type.fieldsArray.map((f) => [f.name, f])); // keepCase false: lowerCamelCase
    for (const [key, value] of Object.entries(json)) {
        const field = byJsonName.get(key);
        assert.ok(field, `${where}: '${key}' is not a field of ${type.fullName}`);
        const at = `${where}.${key}`;
        if (field.repeated) {
            assert.ok(Array.isArray(value), `${at}: an array is expected`);
            out[key] = value.map((v, i) => fieldValue(field, v, `${at}[${i}]`));
        } else {
            out[key] = fieldValue(field, value, at);
        }
    }
    for (const oneof of type.oneofsArray) {
        const set = oneof.fieldsArray.filter((f) => f.name in json);
        assert.ok(set.length <= 1, `${where}: oneof ${oneof.name} has ${set.length} members set`);
    }
    return out;
}

function fieldValue(field, value, at) {
    field.resolve();
    if (field.resolvedType instanceof protobuf.Type) {
        return toProtoObject(field.resolvedType, value, at);
    }
    if (field.resolvedType instanceof protobuf.Enum) {
        assert.ok(Number.isInteger(value), `${at}: enums are integers in OTLP JSON, got ${JSON.stringify(value)}`);
        return value;
    }
    if (field.type === "bytes") {
        const len = HEX_ID_LENGTH[field.name];
        assert.ok(len, `${at}: unexpected bytes field`);
        assert.match(value, /^[0-9a-fA-F]+$/, `${at}: a hex string is expected, got ${JSON.stringify(value)}`);
        assert.equal(value.length, len, `${at}: ${len} hex digits expected`);
        return Buffer.from(value, "hex");
    }
    if (INT64.has(field.type)) {
        const ok = (typeof value === "string" && /^-?\d+$/.test(value)) || Number.isInteger(value);
        assert.ok(ok, `${at}: a 64-bit integer (decimal string or number) is expected, got ${JSON.stringify(value)}`);
        return String(value);
    }
    if (INT32.has(field.type)) {
        assert.ok(Number.isInteger(value), `${at}: an integer is expected, got ${JSON.stringify(value)}`);
        return value;
    }
    const jsType = { string: "string", bool: "boolean", double: "number", float: "number" }[field.type];
    assert.ok(jsType, `${at}: unexpected field type ${field.type}`);
    assert.equal(typeof value, jsType, `${at}: a ${jsType} is expected`);
    return value;
}

// JSON body → (walk) → fromObject → binary → decode → toObject: the copy the assertions read.
function decodeBody(body) {
    const json = JSON.parse(body);
    const message = RequestType.fromObject(toProtoObject(RequestType, json, "request"));
    assert.equal(RequestType.verify(message), null);
    const wire = RequestType.encode(message).finish();
    const decoded = RequestType.decode(wire);
    return RequestType.toObject(decoded, { longs: String, enums: Number, bytes: String, defaults: true, arrays: true, oneofs: true });
}

const hex = (b64) => Buffer.from(b64, "base64").toString("hex");
const attrs = (list) => Object.fromEntries(list.map((kv) => [kv.key, anyValue(kv.value)]));
// toObject's `oneofs` names the member of AnyValue's oneof that is set.
const anyValue = (v) => v[v.value];

// ---- a receiver and the app ----------------------------------------------------------------------

class Receiver {
    constructor() {
        this.bodies = [];
        this.requests = [];
        this.server = http.createServer((req, res) => {
            let body = "";
            req.setEncoding("utf8");
            req.on("data", (d) => (body += d));
            req.on("end", () => {
                this.requests.push({ method: req.method, url: req.url, contentType: req.headers["content-type"] });
                this.bodies.push(body);
                res.writeHead(200, { "Content-Type": "application/json" });
                res.end("{}");
            });
        });
    }
    listen() {
        return new Promise((resolve) => this.server.listen(0, "127.0.0.1", () => resolve(this.server.address().port)));
    }
    spans() {
        const out = [];
        for (const body of this.bodies) {
            const req = decodeBody(body);
            for (const rs of req.resourceSpans) {
                for (const ss of rs.scopeSpans) {
                    for (const s of ss.spans) {
                        out.push({ ...s, traceHex: hex(s.traceId), spanHex: hex(s.spanId),
                            parentHex: hex(s.parentSpanId), attr: attrs(s.attributes),
                            resource: attrs(rs.resource.attributes), scope: ss.scope });
                    }
                }
            }
        }
        return out;
    }
    close() {
        return new Promise((r) => this.server.close(r));
    }
}

function freePort() {
    return new Promise((resolve, reject) => {
        const s = createNetServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

class App {
    constructor(extraEnv) {
        this.extraEnv = extraEnv;
        this.log = "";
    }
    async start() {
        this.port = await freePort();
        const env = { ...process.env };
        for (const k of Object.keys(env)) if (k.startsWith("OTEL_")) delete env[k];
        delete env.APP_CONTROL_TOKEN;
        Object.assign(env, {
            APP_DB_WRITER_URL: `host=127.0.0.1 port=${pgPort} user=app_writer dbname=evolution`,
            APP_DB_READER_URL: `host=127.0.0.1 port=${pgPort} user=app_reader dbname=evolution`,
            APP_HTTP_PORT: String(this.port),
            APP_HTTP_ADDRESS: "127.0.0.1",
            APP_SHUTDOWN_DRAIN_MS: "100",
            ...this.extraEnv,
        });
        this.proc = spawn(bin, [], { env, stdio: ["ignore", "pipe", "pipe"] });
        this.exited = new Promise((resolve) => this.proc.once("exit", (code, signal) => resolve({ code, signal })));
        for (const s of [this.proc.stdout, this.proc.stderr]) s.on("data", (d) => (this.log += d));
        for (let i = 0; i < 300; i++) {
            try {
                if ((await this.fetch("/readyz")).status === 200) return;
            } catch {}
            await sleep(50);
        }
        throw new Error(`the app did not become ready:\n${this.log}`);
    }
    fetch(p, init = {}) {
        return fetch(`http://127.0.0.1:${this.port}${p}`, init);
    }
    threadNames() {
        const dir = `/proc/${this.proc.pid}/task`;
        return fs.readdirSync(dir).map((t) => fs.readFileSync(`${dir}/${t}/comm`, "utf8").trim());
    }
    async stop() {
        this.proc.kill("SIGTERM");
        return this.exited;
    }
}

async function waitFor(what, fn, timeoutMs = 15000) {
    const t0 = Date.now();
    for (;;) {
        const v = fn();
        if (v) return v;
        if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
        await sleep(50);
    }
}

// ---- the checks ----------------------------------------------------------------------------------

const T1 = "4bf92f3577b34da6a3ce929d0e0e4736";
const P1 = "00f067aa0ba902b7";
const T2 = "0af7651916cd43dd8448eb211c80319c";
const P2 = "b7ad6b7169203331";
const T3 = "11111111111111111111111111111111"; // sent with sampled = 0
const UPPER = "00-ABCDEF0123456789ABCDEF0123456789-0123456789ABCDEF-01"; // invalid: hex is lowercase

const receiver = new Receiver();
const otlpPort = await receiver.listen();
const app = new App({
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
    OTEL_SERVICE_NAME: "sampleapp-under-test",
    OTEL_BSP_SCHEDULE_DELAY: "100",
});
await app.start();

const tp = (t, p, f) => ({ traceparent: `00-${t}-${p}-${f}` });
assert.equal((await app.fetch("/search?q=amber&limit=5", { headers: { ...tp(T1, P1, "01"), tracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7" } })).status, 200);
assert.equal((await app.fetch("/search?q=basil")).status, 200);
assert.equal((await app.fetch("/login", { method: "POST", body: '{"user_id":"otel"}', headers: tp(T2, P2, "01") })).status, 201);
assert.equal((await app.fetch("/search?q=cedar", { headers: tp(T3, P1, "00") })).status, 200);
assert.equal((await app.fetch("/no-such-path")).status, 404);
assert.equal((await app.fetch("/search?q=delta", { headers: { traceparent: UPPER } })).status, 200);

const spans = await waitFor("the spans of the six requests", () => {
    const s = receiver.spans();
    const servers = s.filter((x) => x.kind === 2 && x.attr["url.path"] !== "/readyz");
    const clients = s.filter((x) => x.kind === 3);
    return servers.length >= 5 && clients.length >= 4 ? s : null;
});
const byTrace = (t) => spans.filter((s) => s.traceHex === t);
const server = (list) => list.find((s) => s.kind === 2);
const client = (list) => list.find((s) => s.kind === 3);

await check("every body is a POST of application/json to /v1/traces", () => {
    assert.ok(receiver.requests.length > 0);
    for (const r of receiver.requests) {
        assert.equal(r.method, "POST");
        assert.equal(r.url, "/v1/traces");
        assert.equal(r.contentType, "application/json");
    }
});

await check("resource and scope", () => {
    for (const s of spans) {
        assert.equal(s.resource["service.name"], "sampleapp-under-test");
        assert.equal(s.resource["telemetry.sdk.language"], "cpp");
        assert.equal(s.scope.name, "crdb-live-evolution/sampleapp");
    }
});

await check("a traceparent's trace id and parent carry into the server span and its database span", () => {
    const t = byTrace(T1);
    const srv = server(t);
    const db = client(t);
    assert.ok(srv && db, `spans of trace ${T1}: ${JSON.stringify(t.map((s) => s.name))}`);
    assert.equal(srv.parentHex, P1);
    assert.equal(srv.name, "GET /search");
    assert.equal(srv.traceState, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    assert.equal(srv.flags & 0x301, 0x301, "sampled, parent known to be remote");
    assert.equal(srv.attr["http.request.method"], "GET");
    assert.equal(srv.attr["http.route"], "/search");
    assert.equal(srv.attr["url.path"], "/search");
    assert.equal(srv.attr["url.query"], "q=amber&limit=5");
    assert.equal(srv.attr["url.scheme"], "http");
    assert.equal(srv.attr["http.response.status_code"], "200");
    assert.equal(srv.status.code, 0);
    assert.equal(db.parentHex, srv.spanHex);
    assert.equal(db.flags & 0x301, 0x101, "sampled, parent known to be local");
    assert.equal(db.name, "SELECT search_terms");
    assert.equal(db.attr["db.system.name"], "postgresql");
    assert.equal(db.attr["db.operation.name"], "SELECT");
    assert.equal(db.attr["db.collection.name"], "search_terms");
    assert.equal(db.attr["db.query.summary"], "SELECT search_terms");
    assert.equal(db.attr["app.db.pool"], "reader");
    assert.ok(Number(db.attr["db.response.returned_rows"]) >= 0);
    assert.ok(BigInt(srv.startTimeUnixNano) <= BigInt(db.startTimeUnixNano));
    assert.ok(BigInt(db.endTimeUnixNano) <= BigInt(srv.endTimeUnixNano));
    assert.ok(BigInt(srv.startTimeUnixNano) > 1_600_000_000_000_000_000n, "Unix nanoseconds");
});

await check("a request without traceparent starts a new trace", () => {
    const srv = spans.find((s) => s.kind === 2 && s.attr["url.query"] === "q=basil");
    assert.ok(srv);
    assert.notEqual(srv.traceHex, T1);
    assert.match(srv.traceHex, /^[0-9a-f]{32}$/);
    assert.equal(srv.parentHex, "", "a root span has no parent");
    const db = spans.find((s) => s.kind === 3 && s.parentHex === srv.spanHex);
    assert.ok(db && db.traceHex === srv.traceHex);
});

await check("POST /login: a writer INSERT under the propagated trace", () => {
    const t = byTrace(T2);
    const srv = server(t);
    const db = client(t);
    assert.ok(srv && db);
    assert.equal(srv.parentHex, P2);
    assert.equal(srv.name, "POST /login");
    assert.equal(srv.attr["http.response.status_code"], "201");
    assert.equal(db.name, "INSERT login_events");
    assert.equal(db.attr["app.db.pool"], "writer");
    assert.equal(db.parentHex, srv.spanHex);
});

await check("a parent that was not sampled: nothing recorded (parentbased_always_on)", () => {
    assert.equal(byTrace(T3).length, 0);
});

await check("an unknown path: named by its method, no http.route, 404 leaves the status unset", () => {
    const srv = spans.find((s) => s.kind === 2 && s.attr["url.path"] === "/no-such-path");
    assert.ok(srv);
    assert.equal(srv.name, "GET");
    assert.equal(srv.attr["http.route"], undefined);
    assert.equal(srv.attr["http.response.status_code"], "404");
    assert.equal(srv.status.code, 0);
});

await check("an invalid traceparent (uppercase hex) is ignored: a new trace", () => {
    const srv = spans.find((s) => s.kind === 2 && s.attr["url.query"] === "q=delta");
    assert.ok(srv);
    assert.notEqual(srv.traceHex, "abcdef0123456789abcdef0123456789");
    assert.equal(srv.parentHex, "");
});

await check("/metrics counts the exported spans and no drops; the exporter thread runs", async () => {
    const text = await (await app.fetch("/metrics")).text();
    const exported = Number(/^app_otel_spans_exported_total (\S+)$/m.exec(text)?.[1]);
    assert.ok(exported >= spans.length - 1, `exported ${exported}`);
    assert.match(text, /^app_otel_spans_dropped_total\{reason="queue_full"\} 0$/m);
    assert.ok(app.threadNames().includes("otel-export"), JSON.stringify(app.threadNames()));
});

const stopped = await app.stop();
await check("stops cleanly with tracing on", () => assert.deepEqual(stopped, { code: 0, signal: null }));

// Spans still queued at SIGTERM are sent before the process exits (one batch every 60 s otherwise).
const flushReceiver = new Receiver();
const flushPort = await flushReceiver.listen();
const slow = new App({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${flushPort}/custom/path`,
    OTEL_BSP_SCHEDULE_DELAY: "60000" });
await slow.start();
assert.equal((await slow.fetch("/search?q=ember", { headers: tp(T2, P1, "01") })).status, 200);
const nothingYet = flushReceiver.bodies.length;
const slowStopped = await slow.stop();
await check("the queue is flushed at shutdown, to the signal-specific URL as it is", () => {
    assert.equal(nothingYet, 0);
    assert.deepEqual(slowStopped, { code: 0, signal: null });
    assert.ok(flushReceiver.requests.every((r) => r.url === "/custom/path"));
    const t = flushReceiver.spans().filter((s) => s.traceHex === T2);
    assert.equal(t.length, 2, JSON.stringify(t.map((s) => s.name)));
    assert.equal(flushReceiver.spans()[0].resource["service.name"], "unknown_service:sampleapp");
});

// Off when unset: no exporter thread, no tracing metrics.
const plain = new App({});
await plain.start();
await plain.fetch("/search?q=fjord", { headers: tp(T1, P1, "01") });
await check("tracing off when OTEL_* is unset: no exporter thread, no tracing metrics", async () => {
    assert.ok(!plain.threadNames().includes("otel-export"), JSON.stringify(plain.threadNames()));
    const text = await (await plain.fetch("/metrics")).text();
    assert.doesNotMatch(text, /app_otel_/);
    assert.doesNotMatch(plain.log, /tracing/);
});
await plain.stop();
await receiver.close();
await flushReceiver.close();

console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
