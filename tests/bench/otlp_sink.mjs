// A local OTLP/HTTP JSON receiver for the sample app benchmark: accepts every POST, counts the
// requests and spans it received, answers 200 {}. Prints its port on the first line of stdout;
// GET /count answers {"requests": n, "spans": n}. Loopback only; stops on SIGTERM.
import http from "node:http";

let requests = 0;
let spans = 0;
const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/count") {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ requests, spans }));
        return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
        requests++;
        // Each span has one "spanId" key (a parent's is "parentSpanId"): counted without parsing, so
        // the receiver takes as little of the shared CPU as it can.
        const body = Buffer.concat(chunks);
        for (let i = body.indexOf('"spanId"'); i >= 0; i = body.indexOf('"spanId"', i + 8)) spans++;
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end("{}");
    });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
