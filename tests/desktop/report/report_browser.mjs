// The exported report (test-output/report.html, written by tst_report_gui) in real headless
// Chromium, offline: every request that is not a data: URI is recorded and aborted, so a report
// that needed the network would show it here. Checks that the charts decode and are drawn, that the
// verdicts carry their colours (green only a pass, red only a fail) and that the marker text stayed
// text; saves report-screenshot.png (1280x800) and report-screenshot-full.png (the whole page).
//
// Environment: TEST_OUTPUT_DIR, NODE_TOOLS_DIR (tests/node).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";

const need = (name) => {
    const v = process.env[name];
    if (!v) throw new Error(`environment variable ${name} is not set`);
    return v;
};
const outDir = need("TEST_OUTPUT_DIR");
const require = createRequire(path.join(need("NODE_TOOLS_DIR"), "package.json"));
const { chromium } = require("playwright-core");

const reportPath = path.join(outDir, "report.html");
assert.ok(fs.existsSync(reportPath), `${reportPath} is missing (tst_report_gui writes it)`);
const reportUrl = pathToFileURL(reportPath).href;

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"],
});
try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
    await context.setOffline(true);
    const page = await context.newPage();
    const foreign = [];
    await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url === reportUrl || url.startsWith("data:")) return route.continue();
        foreign.push(url);
        return route.abort();
    });
    page.on("request", (r) => {
        const url = r.url();
        if (url !== reportUrl && !url.startsWith("data:")) foreign.push(url);
    });
    await page.goto(reportUrl, { waitUntil: "load" });
    assert.deepEqual(foreign, [], `the report fetched something besides itself: ${foreign.join(", ")}`);

    assert.equal((await page.locator("#mode").textContent()).trim(), "LIVE");
    const beats = await page.locator("tr.beat").count();
    assert.ok(beats >= 2, `beats shown: ${beats}`);
    // The marker's text is text: no element was made of it.
    assert.equal(await page.locator("script").count(), 0);
    assert.ok((await page.locator("#events").evaluate(() => document.body.innerText)).includes("<script>alert('marker')</script>"));

    // Every chart decoded (naturalWidth is 0 for a broken image) at its drawn size.
    const images = await page.locator("img.chart").evaluateAll((els) =>
        els.map((e) => ({ alt: e.alt, w: e.naturalWidth, h: e.naturalHeight, complete: e.complete })));
    assert.ok(images.length >= 5, `charts: ${images.length}`);
    for (const i of images) assert.ok(i.complete && i.w === 900 && i.h === 260, JSON.stringify(i));

    // The verdict colours as Chromium computed them.
    const colour = async (cls) => page.locator(`span.verdict.${cls}`).first().evaluate((e) => getComputedStyle(e).color);
    assert.equal(await colour("pass"), "rgb(0, 136, 68)");
    if (await page.locator("span.verdict.fail").count()) assert.equal(await colour("fail"), "rgb(204, 0, 34)");
    assert.equal(await colour("pending"), "rgb(85, 85, 85)");

    const shot = path.join(outDir, "report-screenshot.png");
    const full = path.join(outDir, "report-screenshot-full.png");
    await page.screenshot({ path: shot });
    await page.screenshot({ path: full, fullPage: true });
    for (const f of [shot, full]) assert.ok(fs.statSync(f).size > 10000, `${f} is too small`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`report: ${reportPath} (${fs.statSync(reportPath).size} bytes), page ${height} px tall`);
    console.log(`screenshot: ${shot}`);
    console.log(`screenshot (whole page): ${full}`);
} finally {
    await browser.close();
}
