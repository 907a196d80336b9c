// A hand-written script that implements docs/JS.md's contract directly,
// without sdk-js: the host's tests of JS bundles depend on nothing else.
(() => {
  const host = (name, req) => {
    const answer = JSON.parse(__ferry_host(name, JSON.stringify(req ?? {})));
    if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
    return answer;
  };
  const modes = {
    echo: async (input) => ({ echo: input }),
    save: async (input) => {
      const records = Array.from({ length: input.n }, (_, i) => ({ id: String(i), title: "t" + i }));
      await Promise.all([0, 1].map(async (half) => host("batch_save", { model: "Item", records: records.filter((_, i) => i % 2 === half) })));
      return { saved: input.n };
    },
    fail: async () => { throw new Error("it broke"); },
    actionError: async () => ({ __error: { code: "action_error", message: "bad input", payload: { field: "x" } } }),
    spin: async () => { for (;;) {} },
    sleep: async () => new Promise((r) => setTimeout(r, 60000)),
    hog: async () => { const a = []; for (;;) a.push(new Array(1e5).fill(1.5)); },
    recurse: async () => { const r = (n) => (n ? 1 + r(n - 1) : 0); return r(1e7); },
    never: async () => new Promise(() => {}),
    global: async (input) => { const seen = globalThis.mark ?? null; globalThis.mark = input.who; return { seen }; },
  };
  globalThis.__ferry = {
    async run(entry, input) {
      try {
        const parsed = input ? JSON.parse(input) : null;
        const out = await modes[parsed?.mode ?? "echo"](parsed);
        if (out && out.__error) return JSON.stringify({ error: out.__error });
        return JSON.stringify({ output: entry === "action" ? out : null });
      } catch (e) {
        return JSON.stringify({ error: { code: e.code ?? "function_error", message: e.message } });
      }
    },
    describe() { return JSON.stringify({ type: "action", description: "contract test" }); },
  };
})();
