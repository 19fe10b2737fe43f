// The main demo flow is non-destructive. Fails on `kubectl delete`, DROP, TRUNCATE, DELETE FROM,
// `workload init --drop`, or scaling CockroachDB to 0 in:
//   - demo/*.sh and k8s/**/*.sh (comment lines excepted),
//   - shell code blocks of demo/DEMO.md, k8s/README.md, grafana/README.md and context.md, except
//     under a heading that says "Optional teardown",
//   - the commands and args of every container kubectl would apply from k8s/: the rendered output
//     (`kubectl kustomize`) of every kustomization under k8s/, and the optional/ files.
// Also checks that every documented `kubectl apply`/`create` names files and kustomizations that
// exist (a directory holding a kustomization is applied with -k), that each applies a Namespace
// before the objects in it, and the beat markers of demo/DEMO.md (ids and order from the shared story beats).
// Run: node tests/story/check-safety.mjs
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env.TEST_SOURCE_DIR || path.resolve(here, "../..");
const require = createRequire(path.join(root, "tests/node/package.json"));
const YAML = require("yaml");

export const BEATS = ["baseline", "fragility", "spike", "backup-0", "phase1-scale", "phase1-reader", "backup-1",
    "phase2-scale", "boring", "failure", "heal", "phase3", "majority-loss", "majority-heal"];

const RULES = [
    [/\bkubectl\b[^\n|;&]*\s(delete)\b/i, "kubectl delete"],
    [/\bdrop\s+(database|table|index|user|role|view|sequence|schema|type)\b/i, "DROP statement"],
    [/(^|[\s;'"(])drop\b(?!-)/i, "DROP"],
    [/\btruncate\b/i, "TRUNCATE"],
    [/\bdelete\s+from\b/i, "DELETE FROM"],
    [/--drop\b/i, "workload --drop"],
    [/\bscale\b[^\n]*\b(statefulset|sts)\b[^\n]*--replicas[= ]0\b/i, "scaling CockroachDB to 0"],
    [/\bpatch\b[^\n]*crdbcluster[^\n]*"nodes"\s*:\s*[0-2]\b/i, "CrdbCluster below 3 nodes"],
];

// Returns [{line, rule, text}] for the destructive commands in `text` (one command per line).
export function findDestructive(text, { skipComments = true } = {}) {
    const found = [];
    text.split("\n").forEach((line, i) => {
        const code = skipComments ? line.replace(/(^|\s)#.*$/, "") : line;
        for (const [re, rule] of RULES) {
            if (re.test(code)) {
                found.push({ line: i + 1, rule, text: line.trim() });
                break;
            }
        }
    });
    return found;
}

// Shell code blocks of a Markdown file, with the heading they sit under.
export function shellBlocks(markdown) {
    const blocks = [];
    const headings = [];
    let inBlock = null;
    markdown.split("\n").forEach((line, i) => {
        const fence = line.match(/^\s*(```+|~~~+)\s*([\w-]*)/);
        if (inBlock) {
            if (fence && fence[1][0] === inBlock.fence[0] && fence[2] === "") {
                if (["", "sh", "bash", "shell", "console", "zsh"].includes(inBlock.lang)) blocks.push(inBlock);
                inBlock = null;
            } else {
                inBlock.text += line + "\n";
            }
            return;
        }
        if (fence) {
            inBlock = { fence: fence[1], lang: fence[2].toLowerCase(), line: i + 2, text: "", headings: [...headings] };
            return;
        }
        const h = line.match(/^(#{1,6})\s+(.*)$/);
        if (h) {
            headings.length = h[1].length - 1;
            headings[h[1].length - 1] = h[2];
        }
    });
    return blocks;
}

// demo/down.sh is the one script that deletes (demo/DEMO.md, "Optional teardown"): only namespaces,
// only those selected by up.sh's label, and only after a typed confirmation or an explicit --yes.
export const TEARDOWN_SCRIPT = "demo/down.sh";
export function teardownProblems(text) {
    const problems = [];
    for (const d of findDestructive(text)) {
        if (!(d.rule === "kubectl delete" && /\bdelete namespace\b/.test(d.text))) problems.push(`${d.line}: ${d.rule}: ${d.text} (the tear-down deletes namespaces only)`);
    }
    if (!/read -r answer/.test(text) || !/--yes/.test(text)) problems.push("no typed confirmation (read -r answer) with --yes to skip it");
    if (!/get (namespaces|ns) -l "\$managed_label"/.test(text)) problems.push("does not select the namespaces by up.sh's label");
    return problems;
}

const isTeardown = (block) => block.headings.some((h) => /optional teardown/i.test(h ?? ""));

function walk(dir, pred) {
    if (!fs.existsSync(dir)) return [];
    const out = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...walk(p, pred));
        else if (pred(p)) out.push(p);
    }
    return out.sort();
}

// ---- Kustomizations: what `kubectl apply -k DIR` applies is `kubectl kustomize DIR` (kubectl's
// own kustomize, v5.5.0 here), in that order: kustomize sorts a Namespace before the objects in it
// (its default "legacy" order; kubectl.docs.kubernetes.io, "Kustomization / sortOptions").
export const isKustomization = (dir) => fs.existsSync(path.join(root, dir, "kustomization.yaml"));
// Every kustomization directory under k8s/ ("k8s/secure/"), Components (only ever included) left out.
export function kustomizationDirs() {
    return walk(path.join(root, "k8s"), (p) => path.basename(p) === "kustomization.yaml")
        .filter((p) => YAML.parse(fs.readFileSync(p, "utf8")).kind !== "Component")
        .map((p) => `${path.relative(root, path.dirname(p))}/`);
}
const rendered = new Map();
// The rendered YAML of a kustomization (throws with kubectl's message when it does not build).
export function renderKustomization(dir) {
    const key = dir.replace(/\/?$/, "/");
    if (!rendered.has(key)) {
        rendered.set(key, execFileSync("kubectl", ["kustomize", path.join(root, key)],
            { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 }));
    }
    return rendered.get(key);
}

// ---- Documented `kubectl apply` commands (shared with validate-manifests.mjs and the fake-API test)
// The places a reader is told to run commands, in the order they say them.
export const COMMAND_DOCS = ["demo/DEMO.md", "README.md", "k8s/README.md", "k8s/secure/README.md", "k8s/operator/README.md",
    "grafana/README.md", "context.md"];
export function commandScripts() {
    return [...walk(path.join(root, "demo"), (p) => p.endsWith(".sh")), ...walk(path.join(root, "k8s"), (p) => p.endsWith(".sh"))]
        .map((p) => path.relative(root, p));
}

// One shell text -> [{line, argv}] of its kubectl commands (continuations joined, comments and the
// scripts' `run` echo helper stripped, split at ; && || | and shell keywords).
export function kubectlCommands(text) {
    const out = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
        const start = i;
        let line = lines[i];
        while (/\\\s*$/.test(line) && i + 1 < lines.length) line = line.replace(/\\\s*$/, " ") + lines[++i];
        const code = line.replace(/(^|\s)#.*$/, "");
        for (const part of code.split(/;|&&|\|\||\||&(?!\d)/)) {
            const words = part.trim().split(/\s+/).filter(Boolean);
            while (words.length && ["then", "else", "do", "if", "run", "time", "!", "{", "("].includes(words[0])) words.shift();
            if (words[0] !== "kubectl") continue;
            // A context or kubeconfig names where, not what: `kubectl --context "$ctx" apply -k DIR` is `kubectl apply -k DIR`.
            const argv = words.map((w) => w.replace(/^["']|["']$/g, ""));
            for (let j = 1; j < argv.length;) {
                if (/^--(context|kubeconfig)=/.test(argv[j])) argv.splice(j, 1);
                else if (argv[j] === "--context" || argv[j] === "--kubeconfig") argv.splice(j, 2);
                else j++;
            }
            out.push({ line: start + 1, argv });
        }
    }
    return out;
}

// [{source, line, argv, section}] of every documented kubectl command, in document order.
export function documentedKubectl() {
    const out = [];
    for (const f of COMMAND_DOCS) {
        const p = path.join(root, f);
        if (!fs.existsSync(p)) continue;
        for (const b of shellBlocks(fs.readFileSync(p, "utf8"))) {
            if (isTeardown(b)) continue;
            for (const c of kubectlCommands(b.text)) out.push({ source: f, line: b.line + c.line - 1, argv: c.argv, section: b.headings.filter(Boolean).join(" > ") });
        }
    }
    for (const f of commandScripts()) {
        for (const c of kubectlCommands(fs.readFileSync(path.join(root, f), "utf8"))) out.push({ source: f, line: c.line, argv: c.argv, section: "" });
    }
    return out;
}

// The files `kubectl apply` reads for its -f arguments, in the order it applies them: each -f in
// order; a directory expands to its *.json, *.yaml, *.yml files in lexical order, subdirectories
// only with -R (kubernetes/cli-runtime pkg/resource/visitor.go, ExpandPathsToFileVisitors:
// filepath.Walk, which walks in lexical order, SkipDir unless recursive; FileExtensions).
// A -k (--kustomize) argument is one entry { file: DIR, kustomize: true, fromDir: true }: its objects
// are the rendered output, in kustomize's order.
export function applyFiles(argv) {
    const files = [];
    const recursive = argv.some((a) => a === "-R" || a === "--recursive" || a === "--recursive=true");
    for (let i = 0; i < argv.length; i++) {
        let arg = null;
        let kustomize = false;
        if (argv[i] === "-f" || argv[i] === "--filename") arg = argv[++i];
        else if (/^(-f|--filename)=/.test(argv[i])) arg = argv[i].replace(/^[^=]*=/, "");
        else if (argv[i] === "-k" || argv[i] === "--kustomize") [arg, kustomize] = [argv[++i], true];
        else if (/^(-k|--kustomize)=/.test(argv[i])) [arg, kustomize] = [argv[i].replace(/^[^=]*=/, ""), true];
        if (!arg || arg === "-" || /\$/.test(arg)) continue;
        if (kustomize) {
            files.push({ file: arg.replace(/\/?$/, "/"), kustomize: true, fromDir: true, missing: !isKustomization(arg) });
            continue;
        }
        const p = path.join(root, arg);
        if (!fs.existsSync(p)) {
            files.push({ file: arg.replace(/\/$/, ""), missing: true, fromDir: false });
        } else if (fs.statSync(p).isDirectory()) {
            const expand = (dir) => fs.readdirSync(dir).sort().flatMap((n) => {
                const q = path.join(dir, n);
                if (fs.statSync(q).isDirectory()) return recursive ? expand(q) : [];
                return /\.(json|ya?ml)$/.test(n) ? [q] : [];
            });
            files.push(...expand(p).map((q) => ({ file: path.relative(root, q), fromDir: true })));
        } else {
            files.push({ file: path.relative(root, p), fromDir: false });
        }
    }
    return files;
}

// A documented apply or create whose -f names no file, or a directory holding a kustomization
// (kubectl would read kustomization.yaml as an object and fail: such a directory is applied with
// -k), or whose -k names no kustomization.
export function missingApplyProblems(commands) {
    const problems = [];
    for (const c of commands) {
        if (!["apply", "create"].includes(c.argv[1]) || c.argv[2] === "set-last-applied") continue;
        for (const f of applyFiles(c.argv)) {
            if (f.missing) problems.push(`${c.source}:${c.line}: \`${c.argv.join(" ")}\`: ${f.file} ${f.kustomize ? "holds no kustomization.yaml" : "does not exist"}`);
            else if (!f.kustomize && isKustomization(path.dirname(f.file)) && path.basename(f.file) === "kustomization.yaml") {
                problems.push(`${c.source}:${c.line}: \`${c.argv.join(" ")}\`: ${path.dirname(f.file)}/ is a kustomization: apply it with -k`);
            }
        }
    }
    return problems;
}

const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
    "StorageClass", "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService"]);

// A namespaced object applied before its Namespace fails on a fresh cluster ("namespaces ... not
// found"); kubectl goes on with the rest, so the Namespace is created and a second run would pass.
// For every command that applies a directory, each namespaced object's Namespace must exist
// before it: created by an earlier documented command of the same document, or earlier in this
// command's apply order. `objectsOf(file)` returns the file's objects in document order.
export function namespaceOrderProblems(commands, objectsOf) {
    const problems = [];
    const known = new Map(); // source -> Set of namespaces created so far
    for (const c of commands) {
        const seen = known.get(c.source) ?? new Set();
        known.set(c.source, seen);
        const createNs = c.argv.indexOf("namespace");
        if (c.argv[1] === "create" && createNs === 2) seen.add(c.argv[3]);
        if (!c.argv.includes("apply") || c.argv[c.argv.indexOf("apply") + 1] === "set-last-applied") continue;
        const files = applyFiles(c.argv);
        const appliesDir = files.some((f) => f.fromDir);
        const created = new Set(seen);
        for (const { file, missing, kustomize } of files) {
            if (missing) continue;
            for (const o of objectsOf(file)) {
                if (o?.kind === "Namespace") {
                    created.add(o.metadata?.name);
                    continue;
                }
                const ns = o?.metadata?.namespace;
                if (!appliesDir || !o || CLUSTER_SCOPED.has(o.kind) || !ns || created.has(ns)) continue;
                problems.push(`${c.source}:${c.line}: \`${c.argv.join(" ")}\` applies ${o.kind}/${o.metadata.name} (${file}) in namespace ${ns} `
                    + `before any Namespace ${ns} exists (${kustomize ? "add the Namespace to the kustomization: kustomize puts it first"
                        : "files apply in name order; name the Namespace file 00-namespace.yaml"})`);
            }
        }
        for (const ns of created) seen.add(ns);
    }
    return problems;
}

// A file's objects, or a kustomization directory's rendered objects.
export function yamlObjects(file) {
    const p = path.join(root, file);
    if (!fs.existsSync(p)) return [];
    if (fs.statSync(p).isDirectory()) return isKustomization(file) ? YAML.parseAllDocuments(renderKustomization(file)).map((d) => d.toJS()).filter(Boolean) : [];
    if (file.endsWith(".json")) return [JSON.parse(fs.readFileSync(p, "utf8"))];
    return YAML.parseAllDocuments(fs.readFileSync(p, "utf8")).map((d) => d.toJS()).filter(Boolean);
}

function main() {
    const failures = [];
    const rel = (p) => path.relative(root, p);
    let scanned = 0;

    // The scanner must catch what it is meant to catch (else this test could never fail).
    const selfCases = [
        "kubectl -n crdb-evolution delete pod crdb-2", "kubectl delete -f k8s/", "DROP TABLE login_events;",
        "cockroach sql -e 'drop database evolution'", "TRUNCATE login_events", "DELETE FROM search_terms",
        "cockroach workload init tpcc --drop", "kubectl scale statefulset crdb --replicas=0",
        `kubectl patch crdbcluster crdb --type merge -p '{"spec":{"nodes":2}}'`,
    ];
    for (const c of selfCases) if (findDestructive(c).length !== 1) failures.push(`self-check: not caught: ${c}`);
    for (const ok of ["kubectl -n crdb-evolution scale statefulset crdb --replicas=3", "# never kubectl delete here",
        "kubectl exec crdb-2 -c cockroachdb -- bash -c 'kill -TERM 1'", "echo dropped_total", "action: drop_something"]) {
        if (findDestructive(ok).length) failures.push(`self-check: false positive: ${ok}`);
    }
    const md = "# Talk\n```sh\nkubectl apply -f x\n```\n## Optional teardown\n```sh\nkubectl delete namespace crdb-evolution\n```\n";
    const mdBlocks = shellBlocks(md);
    if (mdBlocks.length !== 2 || isTeardown(mdBlocks[0]) || !isTeardown(mdBlocks[1])) failures.push("self-check: teardown sections");

    // Shell scripts.
    const scripts = [...walk(path.join(root, "demo"), (p) => p.endsWith(".sh")), ...walk(path.join(root, "k8s"), (p) => p.endsWith(".sh"))];
    for (const f of scripts) {
        scanned++;
        const text = fs.readFileSync(f, "utf8");
        if (rel(f) === TEARDOWN_SCRIPT) {
            for (const p of teardownProblems(text)) failures.push(`${rel(f)}: ${p}`);
            continue;
        }
        for (const d of findDestructive(text)) failures.push(`${rel(f)}:${d.line}: ${d.rule}: ${d.text}`);
    }
    for (const [text, want] of [[fs.readFileSync(path.join(root, TEARDOWN_SCRIPT), "utf8"), 0],
        ["read -r answer\n--yes\nkubectl get ns -l \"$managed_label\"\nkubectl delete statefulset crdb\n", 1], ["kubectl delete namespace x\n", 1]]) {
        if ((teardownProblems(text).length > 0) !== (want > 0)) failures.push(`self-check: teardown rule on ${JSON.stringify(text.slice(0, 60))}: ${teardownProblems(text)}`);
    }
    for (const s of ["demo/evolve.sh", "demo/backup.sh", "demo/check.sh"]) {
        if (!fs.existsSync(path.join(root, s))) failures.push(`${s} missing`);
    }

    // Markdown code blocks.
    for (const f of ["demo/DEMO.md", "k8s/README.md", "grafana/README.md", "context.md", "k8s/secure/README.md", "k8s/operator/README.md"]) {
        const p = path.join(root, f);
        if (!fs.existsSync(p)) {
            failures.push(`${f} missing`);
            continue;
        }
        for (const b of shellBlocks(fs.readFileSync(p, "utf8"))) {
            scanned++;
            if (isTeardown(b)) continue;
            for (const d of findDestructive(b.text)) failures.push(`${f}:${b.line + d.line - 1}: ${d.rule}: ${d.text}`);
        }
    }

    // Container commands as kubectl applies them: every kustomization rendered (a patch file alone is
    // no object), and the optional/ files, which are applied on their own.
    const applied = [];
    for (const dir of kustomizationDirs()) {
        try {
            applied.push({ where: dir, text: renderKustomization(dir) });
        } catch (e) {
            failures.push(`${dir}: kubectl kustomize: ${e.stderr || e.message}`);
        }
    }
    if (applied.length < 10) failures.push(`only ${applied.length} kustomizations under k8s/`);
    for (const f of walk(path.join(root, "k8s"), (p) => /\.ya?ml$/.test(p) && p.includes(`${path.sep}optional${path.sep}`))) {
        applied.push({ where: rel(f), text: fs.readFileSync(f, "utf8") });
    }
    for (const { where, text } of applied) {
        for (const doc of YAML.parseAllDocuments(text)) {
            const o = doc.toJS();
            const spec = o?.spec?.template?.spec ?? o?.spec?.jobTemplate?.spec?.template?.spec;
            if (!spec) continue;
            for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
                scanned++;
                const cmd = [...(c.command ?? []), ...(c.args ?? []), JSON.stringify(c.lifecycle ?? {})].join("\n");
                for (const d of findDestructive(cmd, { skipComments: false })) {
                    failures.push(`${where} ${o.kind}/${o.metadata.name} container ${c.name}: ${d.rule}: ${d.text}`);
                }
            }
        }
    }

    // Directories applied as a whole create their Namespace first.
    {
        const commands = documentedKubectl();
        scanned += commands.length;
        if (!commands.some((c) => c.argv.includes("apply") && applyFiles(c.argv).some((f) => f.kustomize && !f.missing))) {
            failures.push("no documented `kubectl apply -k <dir>/` found: the command scanner is broken");
        }
        for (const p of missingApplyProblems(commands)) failures.push(p);
        const planted = missingApplyProblems([{ source: "x", line: 1, argv: ["kubectl", "apply", "-f", "k8s/observability/"] },
            { source: "x", line: 2, argv: ["kubectl", "apply", "-k", "k8s/no-such-dir/"] }, { source: "x", line: 3, argv: ["kubectl", "create", "-f", "k8s/nothing.yaml"] },
            { source: "x", line: 4, argv: ["kubectl", "apply", "-k", "k8s/app/"] }]);
        if (planted.length !== 3) failures.push(`self-check: missing apply rule ${JSON.stringify(planted)}`);
        for (const p of namespaceOrderProblems(commands, yamlObjects)) failures.push(p);
        // Self-check on crafted objects in a real directory's apply order: a Namespace in the last
        // file is caught, in the first file it is not.
        const order = applyFiles(["kubectl", "apply", "-f", "k8s/observability/"]).map((f) => f.file);
        const cm = { kind: "ConfigMap", metadata: { name: "c", namespace: "probe" } };
        const nsObj = { kind: "Namespace", metadata: { name: "probe" } };
        const probe = (firstObj, lastObj) => namespaceOrderProblems([{ source: "x", line: 1, argv: ["kubectl", "apply", "-f", "k8s/observability/"] }],
            (f) => (f === order[0] ? [firstObj] : f === order.at(-1) ? [lastObj] : [])).length;
        if (order.length < 2 || probe(cm, nsObj) !== 1 || probe(nsObj, cm) !== 0) failures.push("self-check: namespace order rule");
        const parsed = kubectlCommands("if x; then run kubectl apply -f a.yaml; else run kubectl apply \\\n  -f k8s/app/  # c\nfi");
        if (parsed.length !== 2 || parsed[1].line !== 1 || parsed[1].argv.join(" ") !== "kubectl apply -f k8s/app/") failures.push(`self-check: kubectl command parser ${JSON.stringify(parsed)}`);
        const withContext = kubectlCommands('run kubectl --context "$ctx" apply -k k8s/app/');
        if (withContext.length !== 1 || withContext[0].argv.join(" ") !== "kubectl apply -k k8s/app/") failures.push(`self-check: --context not stripped ${JSON.stringify(withContext)}`);
    }

    // A CrdbCluster must set spec.nodes (the operator has no default), and the presenter patches it:
    // `kubectl apply` of that file sends nodes whenever the live value differs (a custom resource gets
    // a three-way JSON merge patch: kubernetes/kubectl pkg/cmd/apply/patcher.go, patchSimple) and
    // would undo a scale. So such a file is only ever created (`kubectl create -f`), never applied.
    {
        const appliesNodes = (c) => c.argv.includes("apply") && c.argv[c.argv.indexOf("apply") + 1] !== "set-last-applied"
            && applyFiles(c.argv).some((f) => !f.missing && yamlObjects(f.file).some((o) => o?.kind === "CrdbCluster" && o.spec?.nodes !== undefined));
        for (const c of documentedKubectl().filter(appliesNodes)) {
            failures.push(`${c.source}:${c.line}: \`${c.argv.join(" ")}\` applies a CrdbCluster with spec.nodes: re-applied after a scale it `
                + "resets the node count; create it once with `kubectl create -f` and scale with `kubectl patch`");
        }
        if (!appliesNodes({ argv: ["kubectl", "apply", "-f", "k8s/operator/crdb-cluster.yaml"] })
            || !appliesNodes({ argv: ["kubectl", "apply", "-k", "k8s/operator/"] })) failures.push("self-check: CrdbCluster apply rule");
    }

    // Beat markers in DEMO.md: exactly the shared ids, in order, each on a heading.
    const demoPath = path.join(root, "demo/DEMO.md");
    if (fs.existsSync(demoPath)) {
        const demo = fs.readFileSync(demoPath, "utf8");
        const markers = [...demo.matchAll(/^(.*)<!--\s*beat:\s*([\w-]+)\s*-->/gm)];
        const ids = markers.map((m) => m[2]);
        if (JSON.stringify(ids) !== JSON.stringify(BEATS)) failures.push(`demo/DEMO.md beats ${ids.join(",")} != ${BEATS.join(",")}`);
        for (const m of markers) if (!/^#{2,4}\s/.test(m[1])) failures.push(`demo/DEMO.md: beat ${m[2]} marker is not on a heading`);
    }

    if (failures.length) {
        console.error(`check-safety: ${failures.length} failure(s):`);
        for (const f of failures) console.error(`  FAIL ${f}`);
        process.exit(1);
    }
    console.log(`check-safety: ${scanned} scripts, code blocks and container commands clean; ${BEATS.length} beats in order`);
}

// --print-applies: the `kubectl apply` commands of demo/DEMO.md (outside "Optional teardown"), of the
// secure and operator variants' READMEs (their overlays) and of the scripts, as JSON
// [{source, line, argv}], for the test that runs them with the real kubectl against the fake
// Kubernetes API (tests/desktop/sources/tst_setup_reapply.cpp).
const APPLY_SOURCES = ["demo/DEMO.md", "k8s/secure/README.md", "k8s/operator/README.md"];
export function documentedApplies() {
    return documentedKubectl().filter((c) => (APPLY_SOURCES.includes(c.source) || c.source.endsWith(".sh")) && c.argv[1] === "apply"
        && c.argv[2] !== "set-last-applied");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
    if (process.argv.includes("--print-applies")) console.log(JSON.stringify(documentedApplies(), null, 1));
    else main();
}
