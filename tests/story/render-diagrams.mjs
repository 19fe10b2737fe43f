// Every Mermaid diagram renders: each ```mermaid block of diagrams/*.md (and of the story documents)
// is rendered to SVG by mermaid-cli with Debian's Chromium. A broken diagram makes mmdc fail with
// the parser's message. Output: $TEST_OUTPUT_DIR/diagrams/*.svg (look at them).
// Run: node tests/story/render-diagrams.mjs
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env.TEST_SOURCE_DIR || path.resolve(here, "../..");
const outDir = path.join(process.env.TEST_OUTPUT_DIR || path.join(root, "build/story-output"), "diagrams");
const mmdc = path.join(root, "tests/node/node_modules/.bin/mmdc");
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const puppeteer = path.join(outDir, "puppeteer.json");
fs.writeFileSync(puppeteer, JSON.stringify({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
}));

function mermaidBlocks(text) {
    return [...text.matchAll(/^```mermaid[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => m[1]);
}

function render(source, name) {
    const input = path.join(outDir, `${name}.mmd`);
    const output = path.join(outDir, `${name}.svg`);
    fs.writeFileSync(input, source);
    fs.rmSync(output, { force: true });
    try {
        execFileSync(mmdc, ["-p", puppeteer, "-i", input, "-o", output, "-q"], { stdio: "pipe", timeout: 120000 });
    } catch (e) {
        return `${e.stderr || e.message}`.split("\n").filter((l) => l.trim()).slice(0, 6).join("\n    ");
    }
    const svg = fs.existsSync(output) ? fs.readFileSync(output, "utf8") : "";
    if (!svg.includes("<svg") || svg.length < 1000) return "no SVG produced";
    return null;
}

const failures = [];
const required = ["phase0-single-node.md", "phase1-two-nodes.md", "phase2-three-nodes.md", "phase3-multicluster.md", "evolution-timeline.md"];
const diagramsDir = path.join(root, "diagrams");
const files = fs.existsSync(diagramsDir) ? fs.readdirSync(diagramsDir).filter((f) => f.endsWith(".md")).sort().map((f) => `diagrams/${f}`) : [];
for (const r of required) if (!files.includes(`diagrams/${r}`)) failures.push(`diagrams/${r} missing`);
for (const f of ["context.md", "demo/DEMO.md", "k8s/README.md"]) if (fs.existsSync(path.join(root, f))) files.push(f);

// One Chromium session for all diagrams (mmdc renders every block of a Markdown input); only when
// that fails, render them one by one to name the broken diagram.
const all = [];
for (const f of files) {
    const blocks = mermaidBlocks(fs.readFileSync(path.join(root, f), "utf8"));
    if (f.startsWith("diagrams/") && blocks.length === 0) failures.push(`${f}: no mermaid block`);
    blocks.forEach((b, i) => all.push({ f, i, b, name: `${f.replace(/[/.]/g, "_")}_${i + 1}` }));
}
let rendered = 0;
const combined = path.join(outDir, "all-diagrams.md");
fs.writeFileSync(combined, all.map((d) => `## ${d.f} diagram ${d.i + 1}\n\n\`\`\`mermaid\n${d.b}\`\`\`\n`).join("\n"));
let combinedOk = false;
try {
    execFileSync(mmdc, ["-p", puppeteer, "-i", combined, "-o", path.join(outDir, "all-diagrams.out.md"), "-q"], { stdio: "pipe", timeout: 180000 });
    const svgs = fs.readdirSync(outDir).filter((x) => /^all-diagrams\.out-\d+\.svg$/.test(x));
    combinedOk = svgs.length === all.length
        && svgs.every((x) => { const t = fs.readFileSync(path.join(outDir, x), "utf8"); return t.includes("<svg") && t.length >= 1000; });
    if (combinedOk) rendered = all.length;
} catch {
    combinedOk = false;
}
if (!combinedOk) {
    for (const d of all) {
        const err = render(d.b, d.name);
        if (err) failures.push(`${d.f} diagram ${d.i + 1}: ${err}`);
        else rendered++;
    }
}

// The renderer must reject a broken diagram (otherwise this test could never fail).
if (!render("flowchart LR\n  A --> \n  B -- C -->\n", "self_check_broken")) failures.push("self-check: a broken diagram rendered");

if (failures.length) {
    console.error(`render-diagrams: ${failures.length} failure(s):`);
    for (const f of failures) console.error(`  FAIL ${f}`);
    process.exit(1);
}
console.log(`render-diagrams: ${rendered} diagrams rendered to ${outDir}`);
