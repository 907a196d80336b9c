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
};

/**
 * A pending timer. Timers run in the order they fall due (then in the
 * order they were set), as in Node: the engine's own loop runs expired
 * timers in the order they were set, so a 20 ms timer set before a 0 ms
 * one would run first once both are due. The queue holds every timer and
 * one engine timer is armed, for the earliest.
 */
interface Timer {
    due: number;
    seq: number;
    run: () => void;
    every?: number; // setInterval's period
}

const queue: Timer[] = []; // sorted by due, then seq
let armed: { timer: Timer; handle: Handle } | undefined;
let sequence = 0;
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

/** insert puts t in the queue in due order. */
function insert(t: Timer): void {
    let i = queue.length;
    while (i > 0 && (queue[i - 1].due > t.due || (queue[i - 1].due === t.due && queue[i - 1].seq > t.seq))) i--;
    queue.splice(i, 0, t);
}

/** installTimers wraps the engine's timers, when there are any. */
export function installTimers(): void {
    const { setTimeout: st, clearTimeout: ct } = native;
    if (!st || !ct) return;

    // arm keeps one engine timer armed, for the queue's first timer.
    const arm = (): void => {
        const first = queue[0];
        if (armed && armed.timer === first) return;
        if (armed) ct(armed.handle);
        armed = first ? { timer: first, handle: st(fire, Math.max(0, first.due - Date.now())) } : undefined;
    };
    // fire runs the first timer; the engine runs the jobs its callback
    // queued before the next timer.
    const fire = (): void => {
        armed = undefined;
        const t = queue.shift();
        if (t && t.every !== undefined) {
            t.due = Date.now() + t.every;
            t.seq = sequence++;
            insert(t);
        }
        arm();
        t?.run();
    };
    const set = (cb: unknown, ms: unknown, args: unknown[], every: boolean): Handle => {
        const wait = delay(ms);
        const t: Timer = { due: Date.now() + wait, seq: sequence++, run: guard(cb, args) };
        if (every) t.every = Math.max(wait, 1);
        insert(t);
        arm();
        return t;
    };
    const clear = (h: Handle): void => {
        const i = queue.indexOf(h as Timer);
        if (i < 0) return;
        queue.splice(i, 1);
        arm();
    };
    define('setTimeout', (cb: unknown, ms?: unknown, ...args: unknown[]) => set(cb, ms, args, false));
    define('clearTimeout', clear);
    define('setInterval', (cb: unknown, ms?: unknown, ...args: unknown[]) => set(cb, ms, args, true));
    define('clearInterval', clear);
}

function define(name: string, value: unknown): void {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

/** clearTimers clears every timer still pending. */
export function clearTimers(): void {
    queue.length = 0;
    if (armed && native.clearTimeout) native.clearTimeout(armed.handle);
    armed = undefined;
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
