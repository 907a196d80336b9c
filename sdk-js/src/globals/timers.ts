/**
 * Timers over the engine's. QuickJS's setTimeout/setInterval stay the
 * clock; this layer keeps track of the timers an execution leaves behind
 * and of exceptions their callbacks throw:
 *
 * - The host runs an execution's event loop until no job and no timer is
 *   left (docs/JS.md). When the entry point settles, the runtime clears the
 *   timers still pending (clearTimers), as Nango discards a function's
 *   context: a forgotten setInterval does not keep the execution alive.
 * - A callback that throws is an uncaught exception, which fails the
 *   execution (Node would crash): takeUncaught reports the first one.
 *
 * Without engine timers (Node's vm contexts have none) nothing is installed.
 */

type Handle = unknown;
type TimerFn = (cb: () => void, ms?: number) => Handle;
type ClearFn = (h: Handle) => void;

const g = globalThis as Record<string, unknown>;
const native = {
    setTimeout: g.setTimeout as TimerFn | undefined,
    clearTimeout: g.clearTimeout as ClearFn | undefined,
    setInterval: g.setInterval as TimerFn | undefined,
    clearInterval: g.clearInterval as ClearFn | undefined,
};

/** live maps each pending timer to the function that clears it. */
const live = new Map<Handle, ClearFn>();
let uncaught: unknown;
let hasUncaught = false;

function guard(cb: unknown, args: unknown[]): () => void {
    if (typeof cb !== 'function') throw new TypeError('The "callback" argument must be of type function');
    return () => {
        try {
            (cb as (...a: unknown[]) => void)(...args);
        } catch (err) {
            if (!hasUncaught) {
                uncaught = err;
                hasUncaught = true;
            }
        }
    };
}

function delay(ms: unknown): number {
    const n = Number(ms);
    return Number.isFinite(n) && n > 0 ? n : 0;
}

/** installTimers wraps the engine's timers, when there are any. */
export function installTimers(): void {
    const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = native;
    if (!st || !ct) return;
    const setTimeout = (cb: unknown, ms?: unknown, ...args: unknown[]): Handle => {
        const run = guard(cb, args);
        const h: Handle = st(() => {
            live.delete(h);
            run();
        }, delay(ms));
        live.set(h, ct);
        return h;
    };
    const clearTimeout = (h: Handle): void => {
        if (!live.has(h)) return;
        live.delete(h);
        ct(h);
    };
    define('setTimeout', setTimeout);
    define('clearTimeout', clearTimeout);
    if (si && ci) {
        const setInterval = (cb: unknown, ms?: unknown, ...args: unknown[]): Handle => {
            const h = si(guard(cb, args), delay(ms));
            live.set(h, ci);
            return h;
        };
        define('setInterval', setInterval);
        define('clearInterval', clearTimeout);
    }
}

function define(name: string, value: unknown): void {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

/** clearTimers clears every timer still pending. */
export function clearTimers(): void {
    for (const [h, clear] of live) clear(h);
    live.clear();
}

/**
 * takeUncaught returns the first exception a timer callback threw since
 * the last call, if any.
 */
export function takeUncaught(): { error: unknown } | undefined {
    if (!hasUncaught) return undefined;
    const out = { error: uncaught };
    uncaught = undefined;
    hasUncaught = false;
    return out;
}
