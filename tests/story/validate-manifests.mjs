// Validates every Kubernetes manifest under k8s/ offline (no cluster can run here), as kubectl
// applies them: the output of `kubectl kustomize` of every kustomization under k8s/ (the overlays
// insecure default k8s/, k8s/secure/, k8s/operator/, and the parts: services, SQL steps,
// observability, app, load), plus the optional/ files that are applied on their own:
//  - every rendered document is a Kubernetes object that validates against the Kubernetes schemas
//    (kubernetes-models), CrdbCluster against the operator CRD (ajv);
//  - the generated ConfigMaps (crdb-sql from sql/*.sql, grafana-dashboards from
//    grafana/dashboards/*.json) hold every source file, byte for byte;
//  - every image is one of k8s/images/ (names and tags in one place), and no manifest names a tag;
//  - the cross-references a schema cannot see: Services select the CockroachDB pods, Jobs only read
//    SQL files that exist, required ConfigMaps/Secrets exist, images are pinned, the Prometheus
//    config is accepted by promtool.
// Run: node tests/story/validate-manifests.mjs   (env TEST_SOURCE_DIR, CRDB_EVO_REFERENCE_DIR; kubectl on PATH)
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { kustomizationDirs, renderKustomization } from "./check-safety.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env.TEST_SOURCE_DIR || path.resolve(here, "../..");
const referenceDir = process.env.CRDB_EVO_REFERENCE_DIR || path.resolve(root, "tests/reference");
const require = createRequire(path.join(root, "tests/node/package.json"));
const YAML = require("yaml");
const Ajv = require("ajv");

const failures = [];
const fail = (where, msg) => failures.push(`${where}: ${msg}`);
let checks = 0;

function walk(dir, pred) {
    const out = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...walk(p, pred));
        else if (pred(p)) out.push(p);
    }
    return out.sort();
}
const rel = (p) => path.relative(root, p);

// ---- render and parse
// Every kustomization under k8s/ (a Component is only ever included), rendered as `kubectl apply -k`
// would (check-safety.mjs holds the helpers); docs carry the kustomization directory as their
// `file` ("k8s/secure/"). Objects that several kustomizations render (crdb-sql in every SQL step)
// appear once per rendering.
const docs = []; // {file, obj}
function addDocs(file, text) {
    for (const d of YAML.parseAllDocuments(text, { uniqueKeys: true })) {
        checks++;
        if (d.errors.length) {
            fail(file, `YAML error: ${d.errors.map((e) => e.message).join("; ")}`);
            continue;
        }
        const obj = d.toJS();
        if (obj === null || obj === undefined) continue;
        docs.push({ file, obj });
    }
}
const rendered = kustomizationDirs();
if (rendered.length < 10) fail("k8s/", `only ${rendered.length} kustomizations found`);
for (const dir of rendered) {
    try {
        addDocs(dir, renderKustomization(dir));
    } catch (e) {
        fail(dir, `kubectl kustomize: ${e.stderr || e.message}`);
    }
}
// optional/ folders are applied file by file (kubectl apply -f), outside every kustomization.
const yamlFiles = walk(path.join(root, "k8s"), (p) => /\.ya?ml$/.test(p) && p.includes(`${path.sep}optional${path.sep}`));
for (const file of yamlFiles) addDocs(rel(file), fs.readFileSync(file, "utf8"));

// ---- schemas
const crdPath = path.join(referenceDir, "crdbclusters-crd.yaml");
if (!fs.existsSync(crdPath)) {
    console.error(`validate-manifests: ${crdPath} not found; set CRDB_EVO_REFERENCE_DIR (CMake cache variable of the same name)`);
    process.exit(1);
}
const crd = YAML.parse(fs.readFileSync(crdPath, "utf8"));
const crdVersion = crd.spec.versions.find((v) => v.served && v.storage);
const ajv = new Ajv({ allErrors: true, strict: false, formats: { int32: true, int64: true, "date-time": true } });
const validateCrdb = ajv.compile(crdVersion.schema.openAPIV3Schema);

function modelFor(apiVersion, kind) {
    const group = apiVersion.includes("/") ? apiVersion : `v1`;
    try {
        return require(`kubernetes-models/${group}`)[kind];
    } catch {
        return undefined;
    }
}

// kubernetes-models' validators accept unknown fields, but `kubectl apply` (strict field
// validation) rejects them: walk each object along the models' type declarations (.d.ts) and report
// fields the Kubernetes API does not define (a typo such as readinesProbe would be silently dropped).
const interfaceCache = new Map();
function interfaceAt(dtsPath) {
    if (interfaceCache.has(dtsPath)) return interfaceCache.get(dtsPath);
    let result = null;
    if (fs.existsSync(dtsPath)) {
        const text = fs.readFileSync(dtsPath, "utf8");
        const imports = new Map();
        for (const m of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";/gm)) imports.set(m[1], m[2]);
        const head = text.match(/^export interface I\w+(?: extends ([\w, ]+))? \{\n/m);
        if (head) {
            const body = text.slice(head.index + head[0].length, text.indexOf("\n}", head.index));
            const fields = new Map();
            if (head[1]?.includes("TypeMeta")) {
                fields.set("apiVersion", null);
                fields.set("kind", null);
            }
            for (const m of body.matchAll(/^ {4}"([^"]+)"\??: (.*)$/gm)) {
                const t = m[2].match(/^(?:Array<)?(I\w+)>?;$/);
                let target = null;
                if (t && imports.has(t[1])) {
                    const spec = imports.get(t[1]);
                    target = spec.startsWith(".") ? path.resolve(path.dirname(dtsPath), spec) + ".d.ts" : require.resolve(spec).replace(/\.js$/, ".d.ts");
                }
                fields.set(m[1], target);
            }
            result = fields;
        }
    }
    interfaceCache.set(dtsPath, result);
    return result;
}
function unknownFields(value, dtsPath, at, out) {
    const fields = interfaceAt(dtsPath);
    if (!fields || value === null || typeof value !== "object") return;
    for (const item of Array.isArray(value) ? value : [value]) {
        if (item === null || typeof item !== "object") continue;
        for (const [k, v] of Object.entries(item)) {
            if (!fields.has(k)) out.push(`${at}.${k}`);
            else if (fields.get(k)) unknownFields(v, fields.get(k), `${at}.${k}`, out);
        }
    }
}
function modelDts(apiVersion, kind) {
    const group = apiVersion.includes("/") ? apiVersion : "v1";
    try {
        return require.resolve(`kubernetes-models/${group}/${kind}`).replace(/\.js$/, ".d.ts");
    } catch {
        return null;
    }
}

for (const { file, obj } of docs) {
    const where = `${file} ${obj.kind}/${obj.metadata?.name}`;
    checks++;
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
        fail(where, "not a Kubernetes object (apiVersion, kind, metadata.name)");
        continue;
    }
    if (obj.kind === "CrdbCluster") {
        if (obj.apiVersion !== `${crd.spec.group}/${crdVersion.name}`) fail(where, `apiVersion must be ${crd.spec.group}/${crdVersion.name}`);
        if (!validateCrdb(obj)) fail(where, ajv.errorsText(validateCrdb.errors, { dataVar: "CrdbCluster" }));
        continue;
    }
    if (obj.apiVersion === "monitoring.coreos.com/v1") {
        // Prometheus Operator CRDs (optional path): no schema offline; check the essentials.
        if (!file.includes("/optional/")) fail(where, "Prometheus Operator objects belong in an optional/ folder");
        if (!obj.spec?.selector || !(obj.spec.endpoints || obj.spec.podMetricsEndpoints)) fail(where, "selector and endpoints required");
        continue;
    }
    const Model = modelFor(obj.apiVersion, obj.kind);
    if (!Model) {
        fail(where, `no Kubernetes schema for ${obj.apiVersion} ${obj.kind}`);
        continue;
    }
    try {
        new Model(obj).validate();
    } catch (e) {
        fail(where, `schema: ${e.message}`);
    }
    const unknown = [];
    unknownFields(obj, modelDts(obj.apiVersion, obj.kind), obj.kind, unknown);
    if (unknown.length) fail(where, `fields unknown to the Kubernetes API: ${unknown.join(", ")}`);
}

// ---- helpers over the main-flow objects (k8s/secure/ and optional/ are variants)
const mainDocs = docs.filter((d) => !d.file.includes("/optional/") && !d.file.startsWith("k8s/secure/") && !d.file.startsWith("k8s/operator/"));
// One entry per object: the same object rendered by several kustomizations (k8s/ and k8s/base/) counts once.
const find = (kind, name, ns) => mainDocs.filter((d) => d.obj.kind === kind && d.obj.metadata.name === name && (!ns || d.obj.metadata.namespace === ns))
    .filter((d, i, all) => all.findIndex((e) => e.obj.metadata.namespace === d.obj.metadata.namespace) === i);
const podSpecOf = (o) => (o.kind === "Pod" ? o.spec : o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec);
const matches = (selector, labels) => Object.entries(selector || {}).every(([k, v]) => labels?.[k] === v);
function expect(cond, where, msg) {
    checks++;
    if (!cond) fail(where, msg);
}

// Namespaces: the demo lives in crdb-evolution, observability in crdb-observability.
for (const { file, obj } of docs) {
    if (["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"].includes(obj.kind)) continue;
    const ns = obj.metadata.namespace;
    const allowed = file.startsWith("k8s/observability/") ? ["crdb-observability", "crdb-evolution"] : ["crdb-evolution"];
    expect(allowed.includes(ns), `${file} ${obj.kind}/${obj.metadata.name}`, `namespace must be one of ${allowed} (got ${ns})`);
}

// The node count belongs to `kubectl scale` (and the presenter): a StatefulSet manifest that sets
// spec.replicas takes it back on every re-apply (client-side apply's three-way patch sends each field
// of the file that differs from the live object: kubernetes/kubectl pkg/cmd/apply/patcher.go), and
// re-applying the set-up in Phase 2 would stop two nodes at once. Without the field a new
// StatefulSet defaults to 1 (apps/v1 SetDefaults_StatefulSet): Phase 0. Main flow and secure variant.
for (const { file, obj } of docs) {
    if (obj.kind !== "StatefulSet" || obj.metadata.labels?.["app.kubernetes.io/name"] !== "cockroachdb") continue;
    expect(obj.spec?.replicas === undefined, `${file} StatefulSet/${obj.metadata.name}`,
        `sets spec.replicas: ${obj.spec?.replicas}; re-applying it would reset the scaled cluster (leave the node count to kubectl scale)`);
}
// Shutdown, as CockroachDB's Kubernetes guidance says (cockroachdb/docs src/current/v25.4/node-shutdown.md,
// "Termination grace period": "no shorter than 300 seconds"; cockroachdb/helm-charts
// cockroachdb/values.yaml statefulset.terminationGracePeriodSeconds: 300; the official manifest
// cockroachdb/cockroach cloud/kubernetes/cockroachdb-statefulset.yaml: "We recommend that you do not
// configure a liveness probe on a production environment"): every CockroachDB StatefulSet (main and
// secure) and CrdbCluster (the operator's default is 300: keep it or raise it).
export function shutdownProblems(obj) {
    const problems = [];
    if (obj.kind === "CrdbCluster") {
        const g = obj.spec?.terminationGracePeriodSecs;
        if (g !== undefined && g < 300) problems.push(`terminationGracePeriodSecs ${g} < 300`);
        return problems;
    }
    const pod = obj.spec?.template?.spec ?? {};
    const g = pod.terminationGracePeriodSeconds ?? 30;
    if (g < 300) problems.push(`terminationGracePeriodSeconds ${g} < 300: Kubernetes would SIGKILL a node still draining`);
    for (const c of pod.containers ?? []) {
        if (!/cockroachdb\/cockroach/.test(c.image ?? "")) continue;
        if (c.livenessProbe) problems.push(`container ${c.name} has a livenessProbe: a slow node would be restarted mid-drain or under load (the official manifest recommends none)`);
        if (c.readinessProbe?.httpGet?.path !== "/health?ready=1") problems.push(`container ${c.name}: readiness must be /health?ready=1 (drops a draining node out of the Services)`);
    }
    return problems;
}
for (const { file, obj } of docs) {
    if (!(obj.kind === "CrdbCluster" || (obj.kind === "StatefulSet" && obj.metadata.labels?.["app.kubernetes.io/name"] === "cockroachdb"))) continue;
    for (const p of shutdownProblems(obj)) expect(false, `${file} ${obj.kind}/${obj.metadata.name}`, p);
    checks++;
}
expect(shutdownProblems({ kind: "StatefulSet", spec: { template: { spec: { containers: [{ name: "c", image: "cockroachdb/cockroach:v1", livenessProbe: {},
    readinessProbe: { httpGet: { path: "/health?ready=1" } } }] } } } }).length === 2, "self-check", "shutdown rule");

// Faults the presenter controls (desktop/docs/faults.md, k8s/README.md "Faults"): every
// CockroachDB StatefulSet (main and secure) must let the presenter signal cockroach itself and hold a
// node down:
//  - shareProcessNamespace: true, so cockroach is not PID 1 of its PID namespace: Linux delivers to a
//    namespace's init, from inside it, only signals it handles (pid_namespaces(7)), so SIGKILL and
//    SIGSTOP sent from `kubectl exec` would be ignored. With it, PID 1 is the pod's pause process
//    (kubernetes.io docs "Share Process Namespace between Containers in a Pod"), so the faults must
//    signal cockroach's own PID, never 1;
//  - an emptyDir volume mounted at FAULT_DIR (an emptyDir survives container restarts and goes with
//    the pod: kubernetes.io docs "Volumes", emptyDir);
//  - the container command writes its PID to FAULT_DIR/cockroach.pid before `exec`ing cockroach
//    (exec keeps the PID), waits while FAULT_DIR/hold exists, saying why on its log, and uses no
//    `$$` (Kubernetes turns `$$` into `$` in a command: kubernetes third_party/forked/golang/
//    expansion/expand.go), and the presenter's cluster driver names the same directory.
export const FAULT_DIR = "/cockroach/faults";
export function faultProblems(obj) {
    const problems = [];
    const pod = obj.spec?.template?.spec ?? {};
    if (pod.shareProcessNamespace !== true) problems.push("shareProcessNamespace is not true: cockroach is PID 1 and ignores SIGKILL/SIGSTOP sent from kubectl exec (kill_node, pause_node)");
    const c = (pod.containers ?? []).find((x) => /cockroachdb\/cockroach/.test(x.image ?? ""));
    if (!c) return [...problems, "no cockroachdb/cockroach container"];
    const mount = (c.volumeMounts ?? []).find((m) => m.mountPath === FAULT_DIR);
    const volume = mount && (pod.volumes ?? []).find((v) => v.name === mount.name);
    if (!mount || !volume?.emptyDir) problems.push(`no emptyDir volume mounted at ${FAULT_DIR} (the PID file and the hold file of keep_down)`);
    const script = (c.command ?? []).join(" ");
    const pidAt = script.indexOf(`echo $BASHPID > ${FAULT_DIR}/cockroach.pid`);
    const holdAt = script.search(new RegExp(`while \\[ -e ${FAULT_DIR}/hold \\]; do sleep 1; done`));
    const execAt = script.indexOf("exec /cockroach/cockroach start");
    if (pidAt < 0) problems.push(`the command does not write its PID to ${FAULT_DIR}/cockroach.pid (echo $BASHPID > ...)`);
    if (holdAt < 0) problems.push(`the command does not wait while ${FAULT_DIR}/hold exists (keep_down)`);
    else if (!/echo [^;]*held down[^;]*;/.test(script.slice(0, holdAt))) problems.push("the hold wait does not say on the log why the node waits");
    if (execAt < 0 || execAt < pidAt || execAt < holdAt) problems.push("cockroach must be exec'd last, after the PID file and the hold wait (exec keeps the PID)");
    if (/\$\$/.test(script)) problems.push("the command uses $$, which Kubernetes turns into $ (use $BASHPID)");
    return problems;
}
for (const { file, obj } of docs) {
    if (obj.kind !== "StatefulSet" || obj.metadata.labels?.["app.kubernetes.io/name"] !== "cockroachdb") continue;
    for (const p of faultProblems(obj)) expect(false, `${file} StatefulSet/${obj.metadata.name}`, p);
    checks++;
}
expect(fs.readFileSync(path.join(root, "desktop/core/sources/cluster/kubectl_commands.h"), "utf8").includes(`kFaultDir = "${FAULT_DIR}"`),
    "desktop/core/sources/cluster/kubectl_commands.h", `the cluster commands must use the manifests' fault directory ${FAULT_DIR}`);
expect(faultProblems({ kind: "StatefulSet", spec: { template: { spec: { containers: [{ name: "c", image: "cockroachdb/cockroach:v1",
    command: ["/bin/bash", "-ec", "exec /cockroach/cockroach start --insecure"] }] } } } }).length === 4, "self-check", "fault rule");

// Phase 0 StatefulSet.
const [sts] = find("StatefulSet", "crdb", "crdb-evolution");
expect(sts, "k8s/base/crdb-cluster.yaml", "StatefulSet crdb missing");
if (sts) {
    const s = sts.obj.spec;
    const podLabels = s.template.metadata.labels;
    expect(s.serviceName === "crdb", "StatefulSet crdb", "serviceName must be the headless Service crdb");
    expect(podLabels["app.kubernetes.io/name"] === "cockroachdb", "StatefulSet crdb", "pods labelled app.kubernetes.io/name: cockroachdb");
    const c = s.template.spec.containers.find((x) => x.name === "cockroachdb");
    expect(c, "StatefulSet crdb", "container cockroachdb");
    if (c) {
        expect(c.readinessProbe?.httpGet?.path === "/health?ready=1", "StatefulSet crdb", "readiness on /health?ready=1");
        expect(JSON.stringify(c.lifecycle?.preStop ?? "").includes("node drain"), "StatefulSet crdb", "preStop drains the node");
        expect(c.command.join(" ").includes("--join=crdb-0.crdb,crdb-1.crdb,crdb-2.crdb"), "StatefulSet crdb", "joins all three future nodes");
    }
    const ann = s.template.metadata.annotations ?? {};
    expect(ann["prometheus.io/scrape"] === "true" && ann["prometheus.io/path"] === "/_status/vars" && ann["prometheus.io/port"] === "8080",
        "StatefulSet crdb", "Prometheus annotations for /_status/vars on 8080");
    const [headless] = find("Service", "crdb", "crdb-evolution");
    expect(headless && headless.obj.spec.clusterIP === "None" && matches(headless.obj.spec.selector, podLabels), "Service crdb", "headless, selecting the CockroachDB pods");
    const [pdb] = find("PodDisruptionBudget", "crdb", "crdb-evolution");
    expect(pdb && matches(pdb.obj.spec.selector.matchLabels, podLabels), "PodDisruptionBudget crdb", "selects the CockroachDB pods");
    for (const name of ["crdb-writer", "crdb-reader"]) {
        const [svc] = find("Service", name, "crdb-evolution");
        expect(svc, "k8s/services/", `Service ${name} missing`);
        if (!svc) continue;
        // One definition, k8s/services/, shared by every variant (the base includes it).
        const copies = docs.filter((d) => d.obj.kind === "Service" && d.obj.metadata.name === name);
        expect(copies.some((d) => d.file === "k8s/services/") && copies.every((d) => JSON.stringify(d.obj) === JSON.stringify(svc.obj)),
            name, `lives in k8s/services/, the same in every kustomization (${copies.map((d) => d.file)})`);
        expect(matches(svc.obj.spec.selector, podLabels) && Object.keys(svc.obj.spec.selector).length > 0, name, "selects the CockroachDB pods");
        expect(svc.obj.spec.ports.some((p) => p.port === 26257 && p.targetPort === 26257), name, "port 26257");
    }
}
expect(find("Job", "crdb-init", "crdb-evolution").length === 1, "k8s/base/crdb-cluster.yaml", "init Job crdb-init");

// Sample app.
const [app] = find("Deployment", "sampleapp", "crdb-evolution");
expect(app, "k8s/app/", "Deployment sampleapp missing");
if (app) {
    const spec = app.obj.spec.template.spec;
    const c = spec.containers[0];
    expect(c.image === "crdb-live-evolution/sampleapp:0.1.0", "Deployment sampleapp", "image crdb-live-evolution/sampleapp:0.1.0");
    expect(c.livenessProbe?.httpGet?.path === "/healthz", "Deployment sampleapp", "liveness /healthz");
    expect(c.readinessProbe?.httpGet?.path === "/readyz", "Deployment sampleapp", "readiness /readyz");
    expect(spec.securityContext?.runAsNonRoot === true, "Deployment sampleapp", "runs as non-root");
    expect(c.resources?.requests && c.resources?.limits, "Deployment sampleapp", "resources set");
    expect(app.obj.spec.template.metadata.annotations?.["prometheus.io/scrape"] === "true", "Deployment sampleapp", "scrape annotations");
    const [svc] = find("Service", "sampleapp", "crdb-evolution");
    expect(svc && matches(svc.obj.spec.selector, app.obj.spec.template.metadata.labels) && svc.obj.spec.ports[0].port === 8080, "Service sampleapp", "port 8080 selecting the app");
    const [secret] = find("Secret", "sampleapp-db", "crdb-evolution");
    const urls = secret?.obj.stringData ?? {};
    expect(/@crdb-writer:26257\/evolution/.test(urls.APP_DB_WRITER_URL ?? "") && /^postgresql:\/\/app_writer@/.test(urls.APP_DB_WRITER_URL ?? ""), "Secret sampleapp-db", "writer URL: app_writer via crdb-writer");
    expect(/@crdb-reader:26257\/evolution/.test(urls.APP_DB_READER_URL ?? "") && /^postgresql:\/\/app_reader@/.test(urls.APP_DB_READER_URL ?? ""), "Secret sampleapp-db", "reader URL: app_reader via crdb-reader");
}

// Images and tags in one place: k8s/images/ (a kustomize Component every kustomization includes;
// its images transformer sets each tag: kubectl.docs.kubernetes.io, "Kustomization / images").
// Every rendered image is one of its entries, and no manifest under k8s/ names a tag of its own.
const IMAGES_DIR = "k8s/images";
export function allowedImages(component) {
    return new Set((component.images ?? []).map((i) => `${i.newName ?? i.name}:${i.newTag}`));
}
export function imageProblems(obj, allowed) {
    const spec = podSpecOf(obj);
    const images = obj.kind === "CrdbCluster" ? [obj.spec?.image?.name] : [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image);
    return images.filter((i) => !allowed.has(i)).map((i) => `image ${i} is not one of ${IMAGES_DIR}/ (${[...allowed].join(", ")}): does its kustomization include the component?`);
}
export function taggedImageLines(text) {
    return text.split("\n").map((line, i) => ({ line: i + 1, text: line }))
        .filter(({ text }) => /^\s*(?:-\s*)?(?:image|name):\s*["']?(?:cockroachdb\/cockroach|crdb-live-evolution\/sampleapp|prom\/prometheus|grafana\/grafana|[\w.-]+\/[\w.-]+):[\w.-]+["']?\s*(?:#.*)?$/.test(text));
}
{
    const allowed = allowedImages(YAML.parse(fs.readFileSync(path.join(root, IMAGES_DIR, "kustomization.yaml"), "utf8")));
    expect(allowed.size >= 4, IMAGES_DIR, `expected the four images, found ${[...allowed]}`);
    for (const { file, obj } of docs) {
        for (const p of imageProblems(obj, allowed)) expect(false, `${file} ${obj.kind}/${obj.metadata.name}`, p);
    }
    for (const f of walk(path.join(root, "k8s"), (p) => /\.ya?ml$/.test(p) && !p.startsWith(path.join(root, IMAGES_DIR)))) {
        for (const l of taggedImageLines(fs.readFileSync(f, "utf8"))) expect(false, `${rel(f)}:${l.line}`, `names an image tag (${l.text.trim()}): tags live in ${IMAGES_DIR}/ only`);
    }
    // Self-checks: a container outside the list, a CrdbCluster's tagless image and a tag in a manifest are caught.
    const pod = (image) => ({ kind: "Deployment", spec: { template: { spec: { containers: [{ name: "c", image }] } } } });
    expect(imageProblems(pod("cockroachdb/cockroach:v25.3.0"), allowed).length === 1 && imageProblems(pod([...allowed][0]), allowed).length === 0
        && imageProblems({ kind: "CrdbCluster", spec: { image: { name: "cockroachdb/cockroach" } } }, allowed).length === 1,
        "self-check", "image rule");
    expect(taggedImageLines("          image: prom/prometheus:v2.55.1\n    name: cockroachdb/cockroach:v25.4.0\n  image: prom/prometheus\n").length === 2,
        "self-check", "tagged image line rule");
}

// Every pod template: pinned images; referenced ConfigMaps/Secrets exist unless optional.
for (const { file, obj } of docs) {
    const spec = podSpecOf(obj);
    if (!spec) continue;
    const where = `${file} ${obj.kind}/${obj.metadata.name}`;
    const ns = obj.metadata.namespace;
    const pool = file.startsWith("k8s/secure/") ? docs.filter((d) => !d.file.includes("/optional/")) : mainDocs;
    const exists = (kind, name) => pool.some((d) => d.obj.kind === kind && d.obj.metadata.name === name && d.obj.metadata.namespace === ns);
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect(/:[^:/]+$/.test(c.image) && !c.image.endsWith(":latest"), where, `image ${c.image} must be pinned to a tag`);
        for (const e of c.env ?? []) {
            const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
            if (ref && !ref.optional) {
                const kind = e.valueFrom.secretKeyRef ? "Secret" : "ConfigMap";
                const generated = kind === "Secret" && file.startsWith("k8s/secure/"); // made by make-certs.sh
                expect(generated || exists(kind, ref.name), where, `${kind} ${ref.name} (env ${e.name}) is not defined in k8s/`);
            }
        }
        for (const ef of c.envFrom ?? []) {
            const kind = ef.secretRef ? "Secret" : "ConfigMap";
            const ref = ef.secretRef ?? ef.configMapRef;
            expect(ref.optional || exists(kind, ref.name) || file.startsWith("k8s/secure/"), where, `${kind} ${ref.name} is not defined in k8s/`);
        }
    }
    for (const v of spec.volumes ?? []) {
        if (v.configMap && !v.configMap.optional) expect(exists("ConfigMap", v.configMap.name), where, `ConfigMap ${v.configMap.name} is not defined in k8s/`);
        if (v.secret && !v.secret.optional && !file.startsWith("k8s/secure/")) expect(exists("Secret", v.secret.secretName), where, `Secret ${v.secret.secretName} is not defined in k8s/`);
    }
}

// `cockroach workload` refuses a URL whose path names another database than --db, and when --db
// is absent it expects the generator's name (cockroachdb/cockroach pkg/workload/connection.go,
// SanitizeUrls: "%s specifies database %q, but database %q is expected"; tpcc's Meta.Name is
// `tpcc`, pkg/workload/tpcc/tpcc.go). For every container running `cockroach workload`, every
// postgres URL it names (literally or through an env var from a Secret, including the Secrets
// k8s/secure/make-certs.sh creates) must name --db's database or none.
const secretsByCertScript = (() => {
    // kubectl -n "$ns" create secret generic NAME --from-literal=KEY="VALUE" ... (secure mode)
    const out = new Map();
    const script = path.join(root, "k8s/secure/make-certs.sh");
    if (!fs.existsSync(script)) return out;
    const text = fs.readFileSync(script, "utf8").replace(/\\\n\s*/g, " ");
    for (const m of text.matchAll(/create secret generic ([\w-]+)([^\n]*)/g)) {
        const data = {};
        for (const lit of m[2].matchAll(/--from-literal=([\w.-]+)="([^"]*)"/g)) data[lit[1]] = lit[2];
        out.set(m[1], data);
    }
    return out;
})();
export function workloadUrlProblems(container, secretValues) {
    // secretValues(name, key) -> [string]: every value the Secret key may hold (one per variant).
    const cmd = [...(container.command ?? []), ...(container.args ?? [])].join(" ");
    const problems = [];
    for (const m of cmd.matchAll(/cockroach workload (?:init|run) (\w+)([^;&|]*)/g)) {
        const [, generator, rest] = m;
        const want = rest.match(/--db[= ]([\w-]+)/)?.[1] ?? generator;
        const urls = [...rest.matchAll(/postgres(?:ql)?:\/\/[^\s"']+/g)].map((u) => ({ url: u[0], from: "command" }));
        for (const v of rest.matchAll(/\$\{?(\w+)\}?/g)) {
            const env = (container.env ?? []).find((e) => e.name === v[1]);
            if (!env) continue;
            if (env.value) urls.push({ url: env.value, from: `env ${v[1]}` });
            const ref = env.valueFrom?.secretKeyRef;
            if (ref) for (const value of secretValues(ref.name, ref.key)) urls.push({ url: value, from: `env ${v[1]} (Secret ${ref.name} key ${ref.key})` });
        }
        if (!urls.length) problems.push(`workload ${generator}: no postgres URL found`);
        for (const { url, from } of urls) {
            const db = url.match(/^postgres(?:ql)?:\/\/[^/?]*\/([^?]*)/)?.[1] ?? "";
            if (db !== "" && db !== want) problems.push(`workload ${generator} --db=${want}, but the URL from ${from} names database "${db}" (${url}): cockroach workload exits`);
        }
    }
    return problems;
}
for (const { file, obj } of docs) {
    const spec = podSpecOf(obj);
    if (!spec) continue;
    const ns = obj.metadata.namespace;
    const secretValues = (name, key) => {
        const values = docs.filter((d) => d.obj.kind === "Secret" && d.obj.metadata.name === name && d.obj.metadata.namespace === ns)
            .map((d) => d.obj.stringData?.[key] ?? (d.obj.data?.[key] ? Buffer.from(d.obj.data[key], "base64").toString() : undefined));
        const generated = secretsByCertScript.get(name)?.[key];
        return [...values, ...(generated !== undefined ? [generated] : [])].filter((v) => v !== undefined);
    };
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const cmd = [...(c.command ?? []), ...(c.args ?? [])].join(" ");
        if (!/cockroach workload/.test(cmd)) continue;
        for (const p of workloadUrlProblems(c, secretValues)) expect(false, `${file} ${obj.kind}/${obj.metadata.name} container ${c.name}`, p);
        checks++;
    }
}
{
    // Self-check: the rule rejects the URL that made the load generator exit.
    const bad = workloadUrlProblems({ command: ["sh", "-c", "cockroach workload run tpcc --db=evolution \"$U\""], env: [{ name: "U", value: "postgresql://root@h:26257/defaultdb" }] }, () => []);
    const implicit = workloadUrlProblems({ args: ["cockroach workload init tpcc postgresql://root@h:26257/evolution"] }, () => []);
    const good = workloadUrlProblems({ args: ["cockroach workload init tpcc --db=evolution postgresql://root@h:26257?sslmode=disable"] }, () => []);
    expect(bad.length === 1 && implicit.length === 1 && good.length === 0, "self-check", `workload URL rule: ${JSON.stringify([bad, implicit, good])}`);
}

// The generated ConfigMaps hold every source file byte for byte: a generator lists its files one by
// one (sql/kustomization.yaml, grafana/kustomization.yaml), so a new file must be added there.
function checkEmbedded(cmName, ns, dir, ext) {
    const [cm] = find("ConfigMap", cmName, ns);
    expect(cm, cmName, "ConfigMap missing");
    if (!cm) return {};
    const sources = fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(ext)).sort();
    expect(JSON.stringify(Object.keys(cm.obj.data).sort()) === JSON.stringify(sources), `${cm.file} ${cmName}`,
        `keys ${Object.keys(cm.obj.data).sort()} != files in ${dir}: ${sources} (list every file in the generator of ${path.dirname(dir) === "." ? dir : path.dirname(dir)}/kustomization.yaml)`);
    for (const f of sources) {
        const want = fs.readFileSync(path.join(root, dir, f), "utf8");
        expect(cm.obj.data[f] === want, `${cm.file} ${cmName}`, `${f} differs from ${dir}/${f}`);
    }
    return cm.obj.data;
}
const sqlData = checkEmbedded("crdb-sql", "crdb-evolution", "sql", ".sql");
const dashData = checkEmbedded("grafana-dashboards", "crdb-observability", "grafana/dashboards", ".json");
for (const [name, text] of Object.entries(dashData)) {
    checks++;
    try {
        JSON.parse(text);
    } catch (e) {
        fail(`grafana/dashboards/${name}`, `JSON: ${e.message}`);
    }
}

// SQL Jobs run sqlapply on files that exist in the ConfigMap.
const sqlJobs = docs.filter((d) => d.obj.kind === "Job" && d.obj.metadata.labels?.["app.kubernetes.io/component"] === "sql");
expect(sqlJobs.length >= 5, "k8s/sql/", `expected the phase and backup Jobs, found ${sqlJobs.length}`);
const jobFiles = new Set();
for (const { file, obj } of sqlJobs) {
    const c = obj.spec.template.spec.containers[0];
    const cmd = [...(c.command ?? []), ...(c.args ?? [])].join(" ");
    expect(cmd.includes("/usr/local/bin/sqlapply"), `${file}`, "runs /usr/local/bin/sqlapply");
    const files = [...cmd.matchAll(/\/sql\/([\w.-]+\.sql)/g)].map((m) => m[1]);
    expect(files.length > 0, file, "names at least one /sql/*.sql file");
    for (const f of files) {
        jobFiles.add(f);
        expect(f in sqlData, file, `/sql/${f} is not in ConfigMap crdb-sql`);
    }
}
for (const f of ["00-bootstrap.sql", "01-phase0-rf1.sql", "02-phase0-shutdown.sql", "10-phase1-reader-user.sql", "15-phase1-rf2-refused.sql", "20-phase2-rf3.sql", "90-backup.sql"]) {
    expect(jobFiles.has(f), "k8s/sql/", `no Job applies sql/${f}`);
}

// Prometheus: promtool accepts the config; 15 s; pod discovery in crdb-evolution.
const [promCm] = find("ConfigMap", "prometheus-config", "crdb-observability");
expect(promCm, "k8s/observability/prometheus.yml", "ConfigMap prometheus-config missing");
if (promCm) {
    const text = promCm.obj.data["prometheus.yml"];
    const cfg = YAML.parse(text);
    expect(cfg.global.scrape_interval === "15s", "prometheus.yml", "scrape_interval 15s");
    const sd = cfg.scrape_configs.flatMap((j) => j.kubernetes_sd_configs ?? []);
    expect(sd.some((s) => s.namespaces?.names?.includes("crdb-evolution")), "prometheus.yml", "discovers pods in crdb-evolution");
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "story-prom-"));
    // Debian's Prometheus is built without Kubernetes discovery, so promtool checks everything
    // else (relabelling, TLS, intervals) with each kubernetes_sd_configs swapped for a static target.
    const checkable = YAML.parse(text);
    for (const job of checkable.scrape_configs) {
        if (job.kubernetes_sd_configs) {
            delete job.kubernetes_sd_configs;
            job.static_configs = [{ targets: ["127.0.0.1:9"] }];
        }
    }
    fs.writeFileSync(path.join(tmp, "prometheus.yml"), YAML.stringify(checkable));
    checks++;
    try {
        execFileSync("promtool", ["check", "config", "--syntax-only", path.join(tmp, "prometheus.yml")], { stdio: "pipe" });
    } catch (e) {
        fail("prometheus.yml", `promtool: ${e.stdout}${e.stderr}`);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
}
// Prometheus' relabelling, enough to follow a simulated discovered target through each job
// (actions replace, keep, drop; anchored regex; `;` separator; $N replacements).
export function relabel(labels, rules) {
    const l = { ...labels };
    for (const r of rules ?? []) {
        const action = r.action ?? "replace";
        const value = (r.source_labels ?? []).map((n) => l[n] ?? "").join(r.separator ?? ";");
        const m = value.match(new RegExp(`^(?:${r.regex ?? "(.*)"})$`));
        if (action === "keep" && !m) return null;
        if (action === "drop" && m) return null;
        if (action === "replace" && m) {
            const v = (r.replacement ?? "$1").replace(/\$\{?(\d+)\}?/g, (_, i) => m[+i] ?? "");
            if (v === "") delete l[r.target_label];
            else l[r.target_label] = v;
        }
    }
    return l;
}
// The scrape URLs a config makes of discovered targets: [{job, url, pod}].
export function scrapeTargets(cfg, discovered) {
    const out = [];
    for (const job of cfg.scrape_configs ?? []) {
        const roles = (job.kubernetes_sd_configs ?? []).map((s) => s.role);
        for (const t of discovered.filter((d) => roles.includes(d.role))) {
            const l = relabel(t.labels, job.relabel_configs);
            if (!l) continue;
            const scheme = l.__scheme__ ?? job.scheme ?? "http";
            const pathPart = l.__metrics_path__ ?? job.metrics_path ?? "/metrics";
            const url = `${scheme}://${l.__address__}${pathPart}`;
            // Identical targets of one job are one (Prometheus' scrape pool de-duplicates them).
            if (!out.some((o) => o.job === job.job_name && o.url === url)) out.push({ job: job.job_name, url, pod: t.pod, tls: job.tls_config });
        }
    }
    return out;
}
// What Kubernetes discovery shows Prometheus for the operator's pods (cockroachdb/cockroach-operator
// pkg/resource/discovery_service.go: the discovery Service, named like the cluster, carries
// prometheus.io/scrape "true", prometheus.io/path "_status/vars" (no leading slash) and
// prometheus.io/port = the HTTP port, with ports grpc and http; the pods carry no prometheus.io
// annotations), as role pod, endpoints and endpointslice targets.
export function operatorDiscovery(cluster, podIp = "10.0.0.7") {
    const name = cluster.metadata.name;
    const http = cluster.spec.httpPort ?? 8080;
    const grpc = cluster.spec.grpcPort ?? 26257;
    const pod = `${name}-0`;
    const podLabels = { __meta_kubernetes_pod_name: pod, __meta_kubernetes_namespace: cluster.metadata.namespace,
        __meta_kubernetes_pod_ip: podIp, __meta_kubernetes_pod_phase: "Running", __meta_kubernetes_pod_label_app_kubernetes_io_name: "cockroachdb" };
    const out = [];
    for (const [port, portName] of [[grpc, "grpc"], [http, "http"]]) {
        out.push({ role: "pod", pod, labels: { ...podLabels, __address__: `${podIp}:${port}`, __meta_kubernetes_pod_container_port_name: portName } });
        const svc = { ...podLabels, __address__: `${podIp}:${port}`, __meta_kubernetes_service_name: name,
            __meta_kubernetes_service_annotation_prometheus_io_scrape: "true", __meta_kubernetes_service_annotation_prometheus_io_path: "_status/vars",
            __meta_kubernetes_service_annotation_prometheus_io_port: String(http),
            __meta_kubernetes_service_annotationpresent_prometheus_io_scrape: "true" };
        out.push({ role: "endpoints", pod, labels: { ...svc, __meta_kubernetes_endpoint_port_name: portName, __meta_kubernetes_endpoint_ready: "true" } });
        out.push({ role: "endpointslice", pod, labels: { ...svc, __meta_kubernetes_endpointslice_port_name: portName, __meta_kubernetes_endpointslice_endpoint_conditions_ready: "true" } });
        // The operator's public Service (crdb-public) has no prometheus.io annotations.
        for (const role of ["endpoints", "endpointslice"]) {
            out.push({ role, pod, labels: { ...podLabels, __address__: `${podIp}:${port}`, __meta_kubernetes_service_name: `${name}-public`,
                __meta_kubernetes_endpoint_port_name: portName, __meta_kubernetes_endpointslice_port_name: portName } });
        }
    }
    return out;
}
// The operator's node serves /_status/vars on the HTTP port, over HTTPS when tlsEnabled: exactly one
// scrape of that URL per pod, with a TLS config, and job = cockroachdb like the StatefulSet's pods
// (the dashboards filter on it).
export function operatorScrapeProblems(cfg, cluster) {
    const problems = [];
    const scheme = cluster.spec.tlsEnabled ? "https" : "http";
    const want = `${scheme}://10.0.0.7:${cluster.spec.httpPort ?? 8080}/_status/vars`;
    const targets = scrapeTargets(cfg, operatorDiscovery(cluster));
    const hits = targets.filter((t) => t.url === want);
    if (hits.length !== 1) problems.push(`the operator's pod is scraped ${hits.length} time(s) at ${want}; targets made: ${JSON.stringify(targets.map((t) => t.url))}`);
    for (const t of targets.filter((x) => x.url !== want)) problems.push(`a broken scrape of the operator's pod: ${t.url} (job ${t.job})`);
    if (cluster.spec.tlsEnabled && hits.length && !hits[0].tls) problems.push(`job ${hits[0].job} scrapes HTTPS without a tls_config (the cluster's own CA)`);
    if (hits.length) {
        const job = cfg.scrape_configs.find((j) => j.job_name === hits[0].job);
        const l = relabel(operatorDiscovery(cluster).find((d) => d.role === job.kubernetes_sd_configs[0].role && d.labels.__address__.endsWith(`:${cluster.spec.httpPort ?? 8080}`)
            && d.labels.__meta_kubernetes_service_annotation_prometheus_io_scrape)?.labels ?? {}, job.relabel_configs) ?? {};
        if (l.job !== "cockroachdb" || !l.pod) problems.push(`job ${job.job_name} must label job="cockroachdb" and pod (got job=${l.job}, pod=${l.pod})`);
    }
    return problems;
}
if (promCm) {
    const cfg = YAML.parse(promCm.obj.data["prometheus.yml"]);
    for (const { file, obj } of docs.filter((d) => d.obj.kind === "CrdbCluster")) {
        for (const p of operatorScrapeProblems(cfg, obj)) expect(false, `prometheus.yml vs ${file}`, p);
    }
    // Self-check: a config with only the pod-annotation job finds nothing of the operator's pods.
    const podOnly = { scrape_configs: cfg.scrape_configs.filter((j) => j.kubernetes_sd_configs?.[0]?.role === "pod") };
    expect(operatorScrapeProblems(podOnly, { metadata: { name: "crdb", namespace: "crdb-evolution" }, spec: { tlsEnabled: true } }).length > 0,
        "self-check", "a pod-annotation-only config must not reach the operator's pods");
    // The StatefulSet's pods are still scraped exactly once each.
    if (sts) {
        const ann = sts.obj.spec.template.metadata.annotations ?? {};
        const lbl = { __meta_kubernetes_pod_name: "crdb-0", __meta_kubernetes_namespace: "crdb-evolution", __meta_kubernetes_pod_ip: "10.0.0.9",
            __meta_kubernetes_pod_phase: "Running", __meta_kubernetes_pod_label_app_kubernetes_io_name: "cockroachdb" };
        for (const [k, v] of Object.entries(ann)) lbl[`__meta_kubernetes_pod_annotation_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`] = v;
        const discovered = [26257, 8080].flatMap((port) => [{ role: "pod", pod: "crdb-0", labels: { ...lbl, __address__: `10.0.0.9:${port}` } },
            ...["endpoints", "endpointslice"].map((role) => ({ role, pod: "crdb-0", labels: { ...lbl, __address__: `10.0.0.9:${port}`, __meta_kubernetes_service_name: "crdb" } }))]);
        const urls = scrapeTargets(cfg, discovered).map((t) => t.url);
        expect(JSON.stringify(urls) === JSON.stringify(["http://10.0.0.9:8080/_status/vars"]), "prometheus.yml", `StatefulSet pod crdb-0 scraped as ${JSON.stringify(urls)}`);
    }
}

// Everything that mounts the root client certificate reads the key names cockroach expects
// (ca.crt, client.root.crt, client.root.key: the URLs in Secret crdb-admin name them), from the
// secure variant's Secret crdb-client-root (k8s/secure/make-certs.sh) or, with the operator, from
// its Secret <cluster>-root, whose keys are ca.crt, tls.crt, tls.key (cockroachdb/cockroach-operator
// pkg/resource: Cluster.ClientTLSSecretName, tls_secret.go), mapped to those names.
const OPERATOR_ROOT_KEYS = ["ca.crt", "tls.crt", "tls.key"];
export function clientCertProblems(volume, operatorSecretName) {
    const problems = [];
    const sources = volume.projected?.sources?.map((s) => s.secret).filter(Boolean) ?? (volume.secret ? [{ name: volume.secret.secretName, ...volume.secret }] : []);
    const op = sources.find((s) => s.name === operatorSecretName);
    if (!op) problems.push(`volume ${volume.name} does not read the operator's root client Secret ${operatorSecretName}`);
    else {
        if (!op.optional) problems.push(`volume ${volume.name}: Secret ${operatorSecretName} must be optional (it exists only with the operator)`);
        const mapped = Object.fromEntries((op.items ?? []).map((i) => [i.key, i.path]));
        const want = { "ca.crt": "ca.crt", "tls.crt": "client.root.crt", "tls.key": "client.root.key" };
        for (const k of OPERATOR_ROOT_KEYS) if (mapped[k] !== want[k]) problems.push(`volume ${volume.name}: key ${k} of ${operatorSecretName} must be mounted as ${want[k]} (got ${mapped[k] ?? "the key name"})`);
    }
    const own = sources.find((s) => s.name === "crdb-client-root");
    if (!own || !own.optional) problems.push(`volume ${volume.name}: Secret crdb-client-root (secure variant) must stay, optional`);
    return problems;
}
{
    const operatorCluster = docs.find((d) => d.obj.kind === "CrdbCluster");
    const rootSecret = `${operatorCluster?.obj.metadata.name ?? "crdb"}-root`;
    for (const { file, obj } of docs.filter((d) => !d.file.startsWith("k8s/secure/") && !d.file.startsWith("k8s/sql/"))) {
        const spec = podSpecOf(obj);
        for (const v of spec?.volumes ?? []) {
            const names = [v.secret?.secretName, ...(v.projected?.sources ?? []).map((s) => s.secret?.name)];
            if (!names.includes("crdb-client-root") && !names.includes(rootSecret)) continue;
            for (const p of clientCertProblems(v, rootSecret)) expect(false, `${file} ${obj.kind}/${obj.metadata.name}`, p);
        }
    }
    expect(clientCertProblems({ name: "v", secret: { secretName: "crdb-client-root", optional: true } }, "crdb-root").length > 0, "self-check", "client cert rule");
}

for (const [cmName, key] of [["grafana-datasources", "prometheus.yaml"], ["grafana-dashboard-provider", "dashboards.yaml"]]) {
    const [cm] = find("ConfigMap", cmName, "crdb-observability");
    expect(cm && YAML.parse(cm.obj.data[key]).apiVersion === 1, cmName, `${key} is Grafana provisioning (apiVersion: 1)`);
}

// Operator variant: at least one CrdbCluster named crdb, 3+ nodes.
const crdbClusters = docs.filter((d) => d.obj.kind === "CrdbCluster");
expect(crdbClusters.length >= 1 && crdbClusters.every((d) => d.file.startsWith("k8s/operator/")), "k8s/operator/", "CrdbCluster lives in k8s/operator/");
expect(crdbClusters.some((d) => d.obj.metadata.name === "crdb" && d.obj.spec.nodes >= 3), "k8s/operator/", "CrdbCluster crdb with nodes >= 3");

// Operator variant, TLS: the operator signs its node certificate for localhost, 127.0.0.1,
// <cluster>-public[.ns[.svc.cluster.local]] and *.<cluster>[.ns[.svc.cluster.local]] only
// (cockroachdb/cockroach-operator pkg/actor/generate_cert.go, generateNodeCert: PublicServiceName,
// DiscoveryServiceName, Domain "svc.cluster.local"). libpq's sslmode=verify-full requires the host
// of the URL to be one of them (a "*." name matches one DNS label); a secure cluster refuses
// sslmode=disable. Every database URL of the variant (k8s/operator/**, the presenter's profiles with
// cluster_kind "operator") must be verify-full to such a host, and the variant must define them all:
// the admin URL (url), TPC-C's (workload-url), the sample app's writer and reader, the presenter's.
export function operatorCertNames(cluster, domain = "svc.cluster.local") {
    const name = cluster.metadata.name, ns = cluster.metadata.namespace;
    const pub = `${name}-public`;
    return ["localhost", "127.0.0.1", pub, `${pub}.${ns}`, `${pub}.${ns}.${domain}`,
        `*.${name}`, `*.${name}.${ns}`, `*.${name}.${ns}.${domain}`];
}
export function certNameMatches(host, names) {
    return names.some((n) => n.startsWith("*.")
        ? host.endsWith(n.slice(1)) && host.length > n.length - 1 && !host.slice(0, host.length - n.length + 1).includes(".")
        : host === n);
}
export function pgUrlParts(url) {
    const m = url.match(/^postgres(?:ql)?:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?]*)(?::(\d+))?[^?]*(?:\?(.*))?$/);
    if (!m) return null;
    const params = Object.fromEntries((m[3] ?? "").split("&").filter(Boolean).map((kv) => kv.split("=")));
    return { host: m[1], port: m[2], sslmode: params.sslmode ?? "" };
}
export function operatorUrlProblems(urls, cluster) {
    const names = operatorCertNames(cluster);
    const problems = [];
    for (const { url, from } of urls) {
        const u = pgUrlParts(url);
        if (!u) { problems.push(`${from}: not a postgres URL: ${url}`); continue; }
        if (u.sslmode !== "verify-full") problems.push(`${from}: sslmode=${u.sslmode || "(none: prefer)"} in ${url}: the operator's cluster is secure (disable is refused) and only verify-full checks the host`);
        if (!certNameMatches(u.host, names)) problems.push(`${from}: host ${u.host} is not in the operator's node certificate (${names.join(", ")}): verify-full fails (${url})`);
    }
    return problems;
}
{
    const cluster = docs.find((d) => d.obj.kind === "CrdbCluster")?.obj ?? { metadata: { name: "crdb", namespace: "crdb-evolution" } };
    const urlRe = /postgres(?:ql)?:\/\/[^\s"'`\\]+/g;
    const named = new Map(); // key -> [{url, from}]
    const urls = [];
    const opDir = path.join(root, "k8s/operator");
    for (const f of walk(opDir, () => true)) {
        const lines = fs.readFileSync(f, "utf8").split("\n");
        lines.forEach((line, i) => {
            for (const m of line.matchAll(urlRe)) {
                const from = `${rel(f)}:${i + 1}`;
                urls.push({ url: m[0], from });
                const key = line.slice(0, m.index).match(/([A-Za-z_-]+)=["']?$/)?.[1];
                if (key) named.set(key, [...(named.get(key) ?? []), { url: m[0], from }]);
            }
        });
    }
    const profiles = walk(path.join(root, "demo/profiles"), (p) => p.endsWith(".json"))
        .map((f) => ({ f, p: JSON.parse(fs.readFileSync(f, "utf8")) })).filter(({ p }) => p.cluster_kind === "operator");
    for (const { f, p } of profiles) if (p.sql_url) urls.push({ url: p.sql_url, from: `${rel(f)} sql_url` });
    expect(profiles.some(({ p }) => p.sql_url), "demo/profiles/", "no presenter profile for the operator (cluster_kind \"operator\") with its sql_url");
    for (const key of ["url", "workload-url", "APP_DB_WRITER_URL", "APP_DB_READER_URL"]) {
        expect(named.has(key), "k8s/operator/", `the operator variant defines no ${key} (its clients would need the secure variant's, whose host crdb-writer the operator's certificate does not name)`);
    }
    for (const p of operatorUrlProblems(urls, cluster)) expect(false, "operator TLS", p);
    // Self-checks: the rule rejects what fails on a real cluster and accepts the certificate's names.
    const c = { metadata: { name: "crdb", namespace: "crdb-evolution" } };
    const verdict = (url) => operatorUrlProblems([{ url, from: "self-check" }], c).length === 0;
    expect(!verdict("postgresql://root@crdb-writer:26257/evolution?sslmode=verify-full"), "self-check", "crdb-writer accepted for verify-full");
    expect(!verdict("postgresql://root@crdb-public.crdb-evolution:26257/evolution?sslmode=disable"), "self-check", "sslmode=disable accepted");
    expect(!verdict("postgresql://root@x.crdb-0.crdb.crdb-evolution:26257/e?sslmode=verify-full"), "self-check", "a wildcard matched two labels");
    expect(verdict("postgresql://app_writer:pw@crdb-public.crdb-evolution:26257/evolution?sslmode=verify-full&sslrootcert=/certs/ca.crt"), "self-check", "crdb-public.<ns> refused");
    expect(verdict("postgresql://root@crdb-2.crdb.crdb-evolution.svc.cluster.local:26257/e?sslmode=verify-full"), "self-check", "a pod's name refused");
    expect(verdict("postgresql://root@localhost:26257/evolution?sslmode=verify-full"), "self-check", "localhost refused");
}

// The validator itself must reject a broken object (otherwise this test could never fail).
{
    const Deployment = modelFor("apps/v1", "Deployment");
    let rejected = false;
    try {
        new Deployment({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: "two", selector: {}, template: {} } }).validate();
    } catch {
        rejected = true;
    }
    expect(rejected, "self-check", "kubernetes-models accepted replicas: \"two\"");
    const unknown = [];
    unknownFields({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x", labelz: {} },
        spec: { template: { spec: { containers: [{ name: "c", image: "i:1", readinesProbe: {} }] } } } },
        modelDts("apps/v1", "Deployment"), "Deployment", unknown);
    expect(JSON.stringify(unknown) === JSON.stringify(["Deployment.metadata.labelz", "Deployment.spec.template.spec.containers.readinesProbe"]),
        "self-check", `unknown-field walk found ${JSON.stringify(unknown)}`);
    expect(!validateCrdb({ apiVersion: "crdb.cockroachlabs.com/v1alpha1", kind: "CrdbCluster", metadata: { name: "x" }, spec: { nodes: 1, dataStore: {} } }),
        "self-check", "the CRD schema accepted nodes: 1");
}

if (failures.length) {
    console.error(`validate-manifests: ${failures.length} failure(s) in ${rendered.length} kustomizations and ${yamlFiles.length} optional files, ${docs.length} objects:`);
    for (const f of failures) console.error(`  FAIL ${f}`);
    process.exit(1);
}
console.log(`validate-manifests: ${rendered.length} kustomizations rendered and ${yamlFiles.length} optional files, ${docs.length} objects, ${checks} checks passed`);
