// ferry's prelude: runs in every fresh QuickJS instance before the
// function's script (docs/JS.md, "What the engine gives and takes away").
(() => {
  "use strict";
  const g = globalThis;
  // QuickJS's std/os modules reach files, processes and the environment.
  for (const name of ["std", "os", "bjson", "print", "scriptArgs", "gc"]) {
    delete g[name];
  }
  // eval and the function constructors could import('qjs:os') at run
  // time; code is compiled ahead, so nothing legitimate needs them.
  const refuse = (what) => function () {
    throw new EvalError(what + " is not allowed in ferry functions");
  };
  const ctors = [
    Function,
    Object.getPrototypeOf(async function () {}).constructor,
    Object.getPrototypeOf(function* () {}).constructor,
    Object.getPrototypeOf(async function* () {}).constructor,
  ];
  for (const ctor of ctors) {
    const blocked = refuse("code generation from strings (" + ctor.name + ")");
    blocked.prototype = ctor.prototype;
    Object.defineProperty(ctor.prototype, "constructor", { value: blocked, writable: false, configurable: false });
  }
  Object.defineProperty(g, "Function", { value: ctors[0].prototype.constructor, writable: false, configurable: false });
  Object.defineProperty(g, "eval", { value: refuse("eval"), writable: false, configurable: false });
})();
