// The main demo flow is non-destructive. Fails on `kubectl delete`, DROP, TRUNCATE, DELETE FROM,
// `workload init --drop`, or scaling CockroachDB to 0 in:
//   - demo/*.sh and k8s/**/*.sh (comment lines excepted),
//   - shell code blocks of demo/DEMO.md, k8s/README.md, grafana/README.md and context.md, except
//     under a heading that says "Optional teardown",
//   - the commands and args of every container in k8s/ manifests (Jobs, Deployments, StatefulSets).
// Also checks the beat markers of demo/DEMO.md (ids and order from the shared story beats).
// Run: node tests/story/check-safety.mjs
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env.TEST_SOURCE_DIR || path.resolve(here, "../..");
const require = createRequire(path.join(root, "tests/node/package.json"));
const YAML = require("yaml");

export const BEATS = ["baseline", "fragility", "spike", "backup-0", "phase1-scale", "phase1-reader", "backup-1",
    "phase2-scale", "boring", "failure", "heal", "phase3"];

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
        for (const d of findDestructive(fs.readFileSync(f, "utf8"))) failures.push(`${rel(f)}:${d.line}: ${d.rule}: ${d.text}`);
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

    // Container commands in the manifests.
    for (const f of walk(path.join(root, "k8s"), (p) => /\.ya?ml$/.test(p))) {
        for (const doc of YAML.parseAllDocuments(fs.readFileSync(f, "utf8"))) {
            const o = doc.toJS();
            const spec = o?.spec?.template?.spec ?? o?.spec?.jobTemplate?.spec?.template?.spec;
            if (!spec) continue;
            for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
                scanned++;
                const cmd = [...(c.command ?? []), ...(c.args ?? []), JSON.stringify(c.lifecycle ?? {})].join("\n");
                for (const d of findDestructive(cmd, { skipComments: false })) {
                    failures.push(`${rel(f)} ${o.kind}/${o.metadata.name} container ${c.name}: ${d.rule}: ${d.text}`);
                }
            }
        }
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

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
