// Runs a ferry JS bundle's script the way Nango runs functions: Node's vm
// module, a new context per execution, the script compiled once. It is the
// baseline of the JS engine benchmark (host/bench_js_test.go), which starts
// it and reads the one JSON line it prints.
//
//   node run.mjs SCRIPT ENTRY INPUT N
//
// Each execution: new context (with __ferry_host answering the calls a
// small action makes), evaluate the script in it, await __ferry.run.
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import vm from "node:vm";

const [scriptPath, entry, input, count] = process.argv.slice(2);
const script = new vm.Script(readFileSync(scriptPath, "utf8"), { filename: "function.js" });

// The host side, in JS: what ferry's hostfns answer, for the calls an
// action without upstream requests makes.
const host = (name, request) => {
  switch (name) {
    case "random_bytes":
      return JSON.stringify({ bytes: randomBytes(JSON.parse(request).size).toString("base64") });
    case "get_connection":
      return JSON.stringify({ connection: { connection_id: "bench", provider_config_key: "bench", provider: "bench", environment: "dev", connection_config: {}, metadata: {} } });
    default:
      return "{}";
  }
};

async function once() {
  const context = vm.createContext({ __ferry_host: host });
  script.runInContext(context);
  const answer = JSON.parse(await context.__ferry.run(entry, input));
  if (answer.error) throw new Error(JSON.stringify(answer.error));
}

const n = Number(count);
for (let i = 0; i < Math.min(20, n); i++) await once(); // warm the JIT as a long-lived server would be
const times = [];
for (let i = 0; i < n; i++) {
  const t0 = process.hrtime.bigint();
  await once();
  times.push(Number(process.hrtime.bigint() - t0));
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ n, p50_ns: times[Math.floor(n / 2)], mean_ns: times.reduce((a, b) => a + b, 0) / n, rss_bytes: process.memoryUsage().rss }));
