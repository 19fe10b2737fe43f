// sampleapp/Dockerfile without a Docker engine (none runs here):
//  1. the runtime stage (last FROM) installs the Debian package of every shared library that the
//     built sampleapp and sqlapply resolve (ldd -> dpkg -S): libraries the binaries link directly
//     must come from a package the stage names; the rest must come with those packages' own
//     Depends/Pre-Depends (the closure apt installs), read from this machine's dpkg database;
//  2. the runtime stage is slim, non-root, exposes 8080, has no HEALTHCHECK, runs sampleapp;
//  3. the build stage's COPY list is admitted by Dockerfile.dockerignore and is enough to configure
//     the project with the stage's own cmake command, which installs both binaries to /usr/local/bin.
// This machine is Debian bookworm, the release both stages use, so its package metadata applies.
//
// Environment: TEST_SOURCE_DIR, SAMPLEAPP_BIN, SQLAPPLY_BIN; optional DOCKERFILE (default
// $TEST_SOURCE_DIR/sampleapp/Dockerfile) to check another copy, e.g. an edited one.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const need = (name) => {
    const v = process.env[name];
    if (!v) throw new Error(`environment variable ${name} is not set`);
    return v;
};
const sourceDir = need("TEST_SOURCE_DIR");
const binaries = [need("SAMPLEAPP_BIN"), need("SQLAPPLY_BIN")];
const dockerfile = process.env.DOCKERFILE || path.join(sourceDir, "sampleapp/Dockerfile");
const ignoreFile = path.join(path.dirname(dockerfile), path.basename(dockerfile) + ".dockerignore");

// Libraries every Debian image has without asking: each must be in the dependency closure of the
// Essential packages (checked below against dpkg-query ${Essential}), so nothing else can hide here.
const BASE_ALLOW = new Map([
    ["libc6", "libc, libm, ld-linux: pre-dependency of Essential packages (coreutils, dpkg, ...)"],
    ["libgcc-s1", "libgcc_s: dependency of libc6"],
]);
// Sanitizer runtimes appear only in sanitizer builds of this tree (CRDB_EVO_PRESET=dev-asan/tsan);
// the image builds Release without them, so they are not runtime dependencies of the image.
const SANITIZER_RUNTIMES = /^lib(asan|ubsan|tsan|lsan)\.so/;
// Not allowed on purpose: libstdc++6. bookworm-slim has it only because apt depends on it; it is not
// Essential, so the runtime stage names it.

const failures = [];
const fail = (msg) => failures.push(msg);
const run = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

// ---- Dockerfile parsing ------------------------------------------------------------------------
function instructions(text) {
    const out = [];
    let cur = null;
    for (const raw of text.split("\n")) {
        const line = raw.replace(/\r$/, "");
        if (/^\s*#/.test(line) || (cur === null && /^\s*$/.test(line))) continue; // comments may sit inside continuations
        const cont = /\\\s*$/.test(line);
        const body = cont ? line.replace(/\\\s*$/, " ") : line;
        cur = cur === null ? body : cur + body;
        if (!cont) {
            const m = cur.trim().match(/^(\w+)\s*(.*)$/s);
            if (m) out.push({ op: m[1].toUpperCase(), args: m[2].trim() });
            cur = null;
        }
    }
    return out;
}

function stagesOf(list) {
    const stages = [];
    for (const ins of list) {
        if (ins.op === "FROM") {
            const [image, as, name] = ins.args.split(/\s+/).filter((t) => !t.startsWith("--"));
            stages.push({ image, name: as && as.toLowerCase() === "as" ? name : undefined, ins: [] });
        } else if (stages.length) {
            stages[stages.length - 1].ins.push(ins);
        }
    }
    return stages;
}

// Shell commands of a RUN (shell form), split at && || ; |.
const commandsOf = (run) => run.split(/&&|\|\||;|\|/).map((c) => c.trim().split(/\s+/).filter(Boolean));

function installedPackages(stage) {
    const pkgs = new Set();
    for (const ins of stage.ins.filter((i) => i.op === "RUN")) {
        if (ins.args.startsWith("[")) {
            if (/apt(-get)?\b.*install/.test(ins.args)) fail(`exec-form RUN with apt install is not parsed: ${ins.args}`);
            continue;
        }
        for (const words of commandsOf(ins.args)) {
            const apt = words.findIndex((w) => w === "apt-get" || w === "apt");
            if (apt < 0) continue;
            const inst = words.indexOf("install", apt);
            if (inst < 0) continue;
            for (const w of words.slice(inst + 1)) {
                if (w.startsWith("-")) continue;
                if (/[$`]/.test(w)) fail(`cannot resolve package word '${w}' in the runtime stage`);
                pkgs.add(w.replace(/[=:].*$/, ""));
            }
        }
    }
    return pkgs;
}

// ---- dpkg metadata ---------------------------------------------------------------------------
const dpkgDb = new Map(); // package -> {essential, deps: [[alt, ...], ...]}
const providers = new Map(); // virtual name -> [package]
{
    const fmt = "${Package}\\t${Essential}\\t${Pre-Depends}\\t${Depends}\\t${Provides}\\t${db:Status-Abbrev}\\n";
    for (const line of run("dpkg-query", ["-W", "-f", fmt]).split("\n")) {
        if (!line) continue;
        const [pkg, essential, pre, dep, provides, status] = line.split("\t");
        if (!status.startsWith("ii")) continue;
        const parseList = (s) => s.split(",").map((g) => g.split("|").map((a) => a.trim().replace(/\s*\(.*\)$/, "").replace(/:\w+$/, ""))
            .filter(Boolean)).filter((g) => g.length);
        dpkgDb.set(pkg, { essential: essential === "yes", deps: parseList(pre).concat(parseList(dep)) });
        for (const [p] of parseList(provides)) {
            if (!providers.has(p)) providers.set(p, []);
            providers.get(p).push(pkg);
        }
    }
}

// What apt would install for these packages: alternatives resolve to the first one present here
// (a real package or a provider), as apt prefers an installed alternative.
function closure(roots) {
    const seen = new Set();
    const stack = [...roots];
    while (stack.length) {
        const p = stack.pop();
        if (seen.has(p)) continue;
        seen.add(p);
        const entry = dpkgDb.get(p);
        if (!entry) continue;
        for (const group of entry.deps) {
            const pick = group.find((a) => dpkgDb.has(a)) || group.map((a) => (providers.get(a) || [])[0]).find(Boolean);
            if (pick) stack.push(pick);
        }
    }
    return seen;
}

// ---- binaries: ldd -> dpkg -S ------------------------------------------------------------------
function resolvedLibraries(bin) {
    const out = run("ldd", [bin]);
    const libs = [];
    for (const line of out.split("\n")) {
        let m;
        if ((m = line.match(/^\s*(\S+)\s+=>\s+not found/))) fail(`${path.basename(bin)}: ${m[1]} not found by ldd`);
        else if ((m = line.match(/^\s*(\S+)\s+=>\s+(\/\S+)\s+\(/))) libs.push({ soname: m[1], file: m[2] });
        else if ((m = line.match(/^\s*(\/\S+)\s+\(/))) libs.push({ soname: path.basename(m[1]), file: m[1] });
    }
    return libs;
}

const neededOf = (bin) => [...run("readelf", ["-d", bin]).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);

// bookworm is merged-/usr: ldd may print /usr/lib/... where dpkg registered /lib/... (or the other
// way round), and a soname symlink where dpkg knows the real file. Try every spelling.
function spellings(file) {
    const variants = new Set();
    for (const f of [file, fs.realpathSync(file)]) {
        variants.add(f);
        if (f.startsWith("/usr/")) variants.add(f.slice(4));
        else variants.add("/usr" + f);
    }
    return [...variants];
}

function packagesOfFiles(files) {
    const all = [...new Set(files.flatMap(spellings))];
    const r = spawnSync("dpkg", ["-S", ...all], { encoding: "utf8" });
    const owner = new Map();
    for (const line of r.stdout.split("\n")) {
        const m = line.match(/^([^:][^ ]*?(?:, [^ ]+?)*): (\/.*)$/);
        if (!m || line.startsWith("diversion ")) continue;
        owner.set(m[2], m[1].split(", ").map((p) => p.replace(/:\w+$/, "")));
    }
    const result = new Map();
    for (const f of files) {
        const hit = spellings(f).find((s) => owner.has(s));
        result.set(f, hit ? owner.get(hit) : null);
    }
    return result;
}

// ---- the checks --------------------------------------------------------------------------------
const stages = stagesOf(instructions(fs.readFileSync(dockerfile, "utf8")));
if (stages.length < 2) throw new Error(`${dockerfile}: expected a multi-stage build, found ${stages.length} stage(s)`);
const runtime = stages[stages.length - 1];
const build = stages[0];
if (runtime.image !== "debian:bookworm-slim") fail(`runtime stage is FROM ${runtime.image}, expected debian:bookworm-slim`);
if (build.image !== "debian:bookworm") fail(`build stage is FROM ${build.image}, expected debian:bookworm`);

const named = installedPackages(runtime);
for (const p of named) {
    if (!dpkgDb.has(p)) fail(`runtime stage installs '${p}', which is not a package installed on this bookworm machine (typo?)`);
}
const essentialClosure = closure([...dpkgDb].filter(([, e]) => e.essential).map(([p]) => p));
for (const [p, why] of BASE_ALLOW) {
    if (!essentialClosure.has(p)) fail(`allow-list entry ${p} (${why}) is not in the closure of the Essential packages`);
}
const available = closure([...named, ...BASE_ALLOW.keys()]);

const missing = new Map(); // package -> reasons
for (const bin of binaries) {
    const libs = resolvedLibraries(bin);
    const direct = new Set(neededOf(bin));
    const owners = packagesOfFiles(libs.map((l) => l.file));
    for (const lib of libs) {
        if (SANITIZER_RUNTIMES.test(lib.soname)) continue;
        const pkgs = owners.get(lib.file);
        if (!pkgs) {
            fail(`${path.basename(bin)}: ${lib.file} belongs to no Debian package (built locally? the image cannot have it)`);
            continue;
        }
        const isDirect = direct.has(lib.soname);
        const ok = pkgs.some((p) => (isDirect ? named.has(p) || BASE_ALLOW.has(p) : available.has(p)));
        if (!ok) {
            const p = pkgs[0];
            if (!missing.has(p)) missing.set(p, []);
            missing.get(p).push(`${path.basename(bin)} ${isDirect ? "links" : "loads"} ${lib.soname}`);
        }
    }
}
for (const [p, why] of missing) {
    fail(`runtime stage does not install ${p} (${[...new Set(why)].join("; ")})`);
}

// Runtime hardening and shape.
const ops = (st, op) => st.ins.filter((i) => i.op === op);
const user = ops(runtime, "USER").pop();
if (!user) fail("runtime stage has no USER: it would run as root");
else {
    const uid = user.args.split(":")[0];
    if (uid !== "10001") fail(`runtime stage runs as USER ${user.args}, expected uid 10001`);
    if (!ops(runtime, "RUN").some((r) => /useradd\b.*--uid 10001\b/.test(r.args))) fail("runtime stage creates no user with uid 10001");
}
if (!ops(runtime, "EXPOSE").some((e) => e.args.split(/\s+/).includes("8080"))) fail("runtime stage does not EXPOSE 8080");
if (ops(runtime, "HEALTHCHECK").length) fail("runtime stage has a HEALTHCHECK: Kubernetes probes do that job");
const entry = ops(runtime, "ENTRYPOINT").pop();
if (!entry || !/^\[\s*"\/usr\/local\/bin\/sampleapp"/.test(entry.args)) fail(`ENTRYPOINT should be exec form ["/usr/local/bin/sampleapp"], is ${entry ? entry.args : "missing"}`);
const fromBuild = ops(runtime, "COPY").filter((c) => c.args.includes(`--from=${build.name}`)).map((c) => c.args);
for (const b of ["/usr/local/bin/sampleapp", "/usr/local/bin/sqlapply"]) {
    if (!fromBuild.some((c) => c.split(/\s+/).includes(b))) fail(`runtime stage does not COPY ${b} from the build stage`);
}
if (!ops(runtime, "COPY").some((c) => /^sql\/?\s+\/sql\/?$/.test(c.args))) fail("runtime stage does not COPY sql/ to /sql");

// Dockerfile.dockerignore: an allow-list ("*" then "!path"). Enough of Docker's matcher for that shape.
function admitted(src, patterns) {
    let inc = true;
    const clean = src.replace(/^\.\//, "").replace(/\/$/, "");
    for (const raw of patterns) {
        const neg = raw.startsWith("!");
        const pat = (neg ? raw.slice(1) : raw).replace(/^\//, "").replace(/\/$/, "");
        if (/[*?[]/.test(pat) && pat !== "*") throw new Error(`dockerignore pattern '${raw}' is beyond this test's matcher; extend it`);
        const hit = pat === "*" || clean === pat || clean.startsWith(pat + "/");
        if (hit) inc = neg;
    }
    return inc;
}
const ignorePatterns = fs.existsSync(ignoreFile)
    ? fs.readFileSync(ignoreFile, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
    : [];
if (!ignorePatterns.length) fail(`${ignoreFile} is missing or empty: the whole repository (build trees, node_modules) would be sent as context`);
const contextCopies = [];
for (const st of stages) {
    for (const c of ops(st, "COPY").filter((i) => !/--from=/.test(i.args))) {
        const words = c.args.split(/\s+/).filter((w) => !w.startsWith("--"));
        const dest = words.pop();
        for (const src of words) {
            if (!fs.existsSync(path.join(sourceDir, src))) fail(`COPY ${src}: no such path in the repository`);
            else if (!admitted(src, ignorePatterns)) fail(`COPY ${src}: excluded by ${path.basename(ignoreFile)}`);
            if (st === build) contextCopies.push({ src, dest });
        }
    }
}

// The build stage configures with exactly what it copied, using its own cmake command.
const buildRuns = ops(build, "RUN").flatMap((r) => commandsOf(r.args));
const configure = buildRuns.find((w) => w[0] === "cmake" && w.includes("-S"));
const buildCmd = buildRuns.find((w) => w[0] === "cmake" && w.includes("--build"));
const installCmd = buildRuns.find((w) => w[0] === "cmake" && w.includes("--install"));
if (!configure) fail("build stage has no 'cmake -S ...' configure command");
for (const flag of ["-DCRDB_EVO_BUILD_DESKTOP=OFF", "-DCRDB_EVO_BUILD_TESTS=OFF"]) {
    if (configure && !configure.includes(flag)) fail(`build stage configure lacks ${flag}`);
}
if (!buildCmd || !["sampleapp", "sqlapply"].every((t) => buildCmd.includes(t))) fail("build stage does not build the targets sampleapp and sqlapply");
if (!installCmd || installCmd[installCmd.indexOf("--prefix") + 1] !== "/usr/local") fail("build stage does not 'cmake --install ... --prefix /usr/local'");
if (configure && failures.length === 0) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sampleapp-docker-"));
    try {
        const src = path.join(tmp, "src"), bld = path.join(tmp, "build");
        fs.mkdirSync(src);
        for (const c of contextCopies) {
            const from = path.join(sourceDir, c.src);
            const to = fs.statSync(from).isDirectory() || c.dest.endsWith("/") || c.dest === "."
                ? path.join(src, c.dest, fs.statSync(from).isDirectory() ? "" : path.basename(from))
                : path.join(src, c.dest);
            fs.cpSync(from, to, { recursive: true });
        }
        const args = configure.slice(1).map((w, i, a) => (a[i - 1] === "-S" ? src : a[i - 1] === "-B" ? bld : w));
        const r = spawnSync("cmake", args, { encoding: "utf8" });
        if (r.status !== 0) {
            fail(`the build stage's configure fails on its COPY list:\n${r.stdout}\n${r.stderr}`);
        } else {
            // The generated install scripts (sampleapp/ for the service, pgkit/ for sqlapply) must put
            // both binaries in <prefix>/bin.
            const script = ["sampleapp", "pgkit"].map((d) => path.join(bld, d, "cmake_install.cmake"))
                .filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, "utf8")).join("\n");
            for (const t of ["sampleapp", "sqlapply"]) {
                if (!new RegExp(`CMAKE_INSTALL_PREFIX\\}/bin" TYPE EXECUTABLE FILES "[^"]*/${t}"`).test(script)) {
                    fail(`cmake --install does not install ${t} to <prefix>/bin`);
                }
            }
        }
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

if (failures.length) {
    console.error(`${dockerfile}:\n  - ${failures.join("\n  - ")}`);
    process.exit(1);
}
console.log(`dockerfile test: ok (runtime stage names ${named.size} packages: ${[...named].sort().join(" ")}; ` +
    `${available.size} with dependencies; ${binaries.length} binaries checked)`);
