// The live page (GET /) in real headless Chromium against the real sample app binary and the real
// PostgreSQL fixture: ticks arrive and are drawn, the load buttons work, guardrail errors are shown
// verbatim, the feed reconnects after a restart, nothing is fetched from another host.
//
// Environment: SAMPLEAPP_BIN, TEST_PG_PORT, TEST_OUTPUT_DIR, NODE_TOOLS_DIR (tests/node).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";

const need = (name) => {
    const v = process.env[name];
    if (!v) throw new Error(`environment variable ${name} is not set`);
    return v;
};
const bin = need("SAMPLEAPP_BIN");
const pgPort = need("TEST_PG_PORT");
const outDir = need("TEST_OUTPUT_DIR");
const require = createRequire(path.join(need("NODE_TOOLS_DIR"), "package.json"));
const { chromium } = require("playwright-core");

const TICK_MS = 250; // short ticks keep the test quick; the page takes tick_ms from hello

function freePort() {
    return new Promise((resolve, reject) => {
        const s = createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class App {
    constructor(port, extraEnv = {}) {
        this.port = port;
        this.extraEnv = extraEnv;
        this.log = "";
    }
    start() {
        const env = {
            ...process.env,
            APP_DB_WRITER_URL: `host=127.0.0.1 port=${pgPort} user=app_writer dbname=evolution`,
            APP_DB_READER_URL: `host=127.0.0.1 port=${pgPort} user=app_reader dbname=evolution`,
            APP_HTTP_PORT: String(this.port),
            APP_HTTP_ADDRESS: "127.0.0.1",
            APP_TICK_MS: String(TICK_MS),
        };
        delete env.APP_CONTROL_TOKEN;
        Object.assign(env, this.extraEnv);
        this.proc = spawn(bin, [], { env, stdio: ["ignore", "pipe", "pipe"] });
        this.exited = new Promise((resolve) => this.proc.once("exit", (code, signal) => resolve({ code, signal })));
        for (const s of [this.proc.stdout, this.proc.stderr]) s.on("data", (d) => (this.log += d));
    }
    async waitHealthy(timeoutMs = 15000) {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            if (this.proc.exitCode !== null) throw new Error(`sample app exited early:\n${this.log}`);
            try {
                const r = await fetch(`http://127.0.0.1:${this.port}/healthz`);
                if (r.status === 200) return;
            } catch {
                // not listening yet
            }
            await sleep(100);
        }
        throw new Error(`sample app not healthy within ${timeoutMs} ms:\n${this.log}`);
    }
    async stop() {
        if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited;
        this.proc.kill("SIGTERM");
        const timer = setTimeout(() => this.proc.kill("SIGKILL"), 10000);
        const r = await this.exited;
        clearTimeout(timer);
        return r;
    }
}

// Width and height from the IHDR chunk: proves a real PNG of the requested size was written.
function pngSize(file) {
    const b = fs.readFileSync(file);
    assert.equal(b.subarray(0, 8).toString("hex"), "89504e470d0a1a0a", `${file} is not a PNG`);
    assert.equal(b.subarray(12, 16).toString("ascii"), "IHDR");
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bytes: b.length };
}

const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
let app = new App(port);
let browser;
const foreignRequests = [];
const pageErrors = [];
let failed = false;

try {
    app.start();
    await app.waitHealthy();

    browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15000);
    const sameHost = (u) => {
        const url = new URL(u);
        return url.host === `127.0.0.1:${port}` || url.protocol === "data:";
    };
    page.on("request", (r) => { if (!sameHost(r.url())) foreignRequests.push(r.url()); });
    page.on("websocket", (w) => { if (!sameHost(w.url())) foreignRequests.push(w.url()); });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
        // Expected noise: the 422 of the guardrail check and the refused WebSocket during the restart.
        if (m.type() === "error" && !/Failed to load resource|WebSocket connection to .* failed/.test(m.text())) {
            pageErrors.push(m.text());
        }
    });

    const result = page.getByRole("alert", { name: "Command result" });
    // Clicks a command button and waits until the page has shown the server's answer.
    const command = async (button, route) => {
        await Promise.all([
            page.waitForResponse((r) => new URL(r.url()).pathname === route),
            page.getByRole("button", { name: button }).click(),
        ]);
        await page.waitForFunction(() => !document.querySelector("#command-result").textContent.endsWith("…"));
    };

    const resp = await page.goto(`${origin}/`);
    assert.equal(resp.status(), 200);
    assert.match(resp.headers()["content-type"], /^text\/html/);

    // Ticks arrive and are drawn.
    const conn = page.getByRole("status", { name: "Feed connection" });
    await conn.filter({ hasText: /^live/ }).waitFor();
    const ticks = () => page.locator("#tick-count").getAttribute("data-ticks").then(Number);
    await page.waitForFunction(() => Number(document.querySelector("#tick-count").dataset.ticks) >= 4);
    const canvas = page.getByRole("img", { name: /Timeline/ });
    await page.waitForFunction(() => Number(document.querySelector("#timeline").dataset.points) > 0);
    assert.ok(Number(await canvas.getAttribute("data-frames")) > 0, "the timeline was never drawn");
    await page.getByRole("status", { name: "Readiness" }).filter({ hasText: /^ready$/ }).waitFor();
    assert.equal((await page.locator("#l-rps").textContent()).trim(), "1000", "guardrail max_rps shown");

    // Start load: the achieved rate becomes > 0 and a load_started event is logged.
    await page.getByLabel("Load rps").fill("50");
    await command("Start load", "/load/start");
    const log = page.getByRole("log", { name: "Event log" });
    await log.locator("li[data-kind=load_started]").waitFor();
    assert.equal((await page.locator("#s-target").textContent()).trim(), "50.0 rps", "the rps field reached the server");
    await page.waitForFunction(() => parseFloat(document.querySelector("#s-achieved").textContent) > 0);
    const achieved = parseFloat(await page.getByLabel("Achieved rate").textContent());
    assert.ok(achieved > 0, `achieved rate ${achieved}`);
    // The achieved-rate line is on the canvas: count pixels of its colour (anti-aliasing aside).
    await page.waitForTimeout(3 * TICK_MS);
    const achievedPixels = await page.evaluate(() => {
        const c = document.querySelector("#timeline");
        const want = getComputedStyle(document.documentElement).getPropertyValue("--achieved").trim();
        const [r, g, b] = [1, 3, 5].map((i) => parseInt(want.slice(i, i + 2), 16));
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
            if (Math.abs(d[i] - r) < 12 && Math.abs(d[i + 1] - g) < 12 && Math.abs(d[i + 2] - b) < 12) n++;
        }
        return n;
    });
    assert.ok(achievedPixels > 50, `achieved-rate line not drawn (${achievedPixels} pixels of its colour)`);

    await command("Stop load", "/load/stop");
    await log.locator("li[data-kind=load_stopped]").waitFor();
    await page.locator("#s-running", { hasText: "no" }).waitFor();

    // A spike past the guardrail: the server's message is shown verbatim and names the limit.
    await page.getByLabel("Spike rps").fill("1e9");
    await command("Start spike", "/spike");
    await result.filter({ hasText: "max_rps" }).waitFor();
    const shown = (await result.textContent()).trim();
    const direct = await fetch(`${origin}/spike`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ seconds: 30, rps: 1e9, mix: { login: 0.2, search: 0.8 } }),
    });
    assert.equal(direct.status, 422);
    const expected = (await direct.json()).message;
    assert.equal(shown, expected, "the error message is shown verbatim");
    assert.match(await result.getAttribute("class"), /error/);
    assert.equal(await log.locator("li[data-kind=spike_started]").count(), 0, "a refused spike logged no event");

    // Restart the sample app on the same port, now requiring a control token: the page shows the
    // outage, reconnects by itself and learns that commands need the token.
    const exit = await app.stop();
    assert.equal(exit.code, 0, `sample app exit after SIGTERM: ${JSON.stringify(exit)}\n${app.log}`);
    await conn.filter({ hasText: /^disconnected/ }).waitFor();
    const ticksBefore = await ticks();
    const TOKEN = "stage-token-7f3a";
    app = new App(port, { APP_CONTROL_TOKEN: TOKEN });
    app.start();
    await app.waitHealthy();
    await conn.filter({ hasText: /^live/ }).waitFor({ timeout: 20000 });
    await page.waitForFunction((n) => Number(document.querySelector("#tick-count").dataset.ticks) >= n + 4, ticksBefore);
    await page.locator("#l-auth", { hasText: "required" }).waitFor();

    // Without the token the server refuses and the page says why; with it, the command goes through.
    await command("Start load", "/load/start");
    const refused = await fetch(`${origin}/load/start`, { method: "POST" });
    assert.equal(refused.status, 401);
    assert.equal((await result.textContent()).trim(), (await refused.json()).message, "the 401 message is shown verbatim");
    const authHeaders = [];
    page.on("request", (r) => { if (r.url().endsWith("/load/start")) authHeaders.push(r.headers()["authorization"]); });
    await page.getByLabel("Control token").fill(TOKEN);

    // Big type is a toggle the projector operator can find.
    const big = page.getByRole("button", { name: "Big type" });
    await big.click();
    assert.equal(await big.getAttribute("aria-pressed"), "true");
    await big.click();
    assert.equal(await big.getAttribute("aria-pressed"), "false");

    // Some load again so the screenshot shows lines, not only the axes.
    await command("Start load", "/load/start");
    assert.equal((await result.textContent()).trim(), "Start load: ok (HTTP 200)");
    assert.deepEqual(authHeaders, [`Bearer ${TOKEN}`]);
    await page.waitForFunction(() => parseFloat(document.querySelector("#s-achieved").textContent) > 0);
    await page.waitForTimeout(8 * TICK_MS);
    fs.mkdirSync(outDir, { recursive: true });
    const shot = path.join(outDir, "sampleapp-page.png");
    await page.screenshot({ path: shot });
    const size = pngSize(shot);
    assert.deepEqual([size.width, size.height], [1280, 800]);
    assert.ok(size.bytes > 20000, `screenshot suspiciously small: ${size.bytes} bytes`);
    // The projector variant, for the README and for eyeballing.
    await big.click();
    await page.waitForTimeout(2 * TICK_MS);
    const bigShot = path.join(outDir, "sampleapp-page-big.png");
    await page.screenshot({ path: bigShot });
    assert.deepEqual(Object.values(pngSize(bigShot)).slice(0, 2), [1280, 800]);
    await command("Stop load", "/load/stop");
    await log.locator("li[data-kind=load_stopped]").nth(1).waitFor();

    assert.deepEqual(foreignRequests, [], "the page requested another host");
    assert.deepEqual(pageErrors, [], "errors in the page");
    console.log(`page test: ok (${await ticks()} ticks, achieved ${achieved} rps, screenshot ${shot}, ${size.bytes} bytes)`);
} catch (e) {
    failed = true;
    console.error(e);
    console.error(`--- sample app log ---\n${app.log}`);
} finally {
    if (browser) await browser.close();
    const exit = await app.stop();
    if (!failed && exit && exit.code !== 0) {
        failed = true;
        console.error(`sample app exited with ${JSON.stringify(exit)} after SIGTERM\n${app.log}`);
    }
}
process.exit(failed ? 1 : 0);
