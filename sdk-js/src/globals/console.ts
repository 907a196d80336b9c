/**
 * console for functions: every line goes to the execution's log through
 * the `log` capability, with a level (log/info → info, warn → warn,
 * error/assert/trace → error, debug → debug) and Node's formatting.
 */

import { hostCall } from '../shared/host';
import { format, inspect } from './inspect';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** createConsole returns a console whose lines reach the host's log. */
export function createConsole(): Console {
    let indent = '';
    const counts = new Map<string, number>();
    const timers = new Map<string, number>();

    const emit = (level: Level, message: string) => {
        try {
            hostCall('log', { level, message: indent ? message.replace(/^/gm, indent) : message });
        } catch {
            // A log line that cannot be recorded is not worth failing the run for.
        }
    };
    const line = (level: Level) => (...args: unknown[]) => emit(level, format(...args));

    const c = {
        log: line('info'),
        info: line('info'),
        warn: line('warn'),
        error: line('error'),
        debug: line('debug'),
        trace: (...args: unknown[]) => {
            const stack = (new Error().stack ?? '').split('\n').slice(1).join('\n');
            emit('error', `Trace: ${format(...args)}${stack ? '\n' + stack : ''}`);
        },
        dir: (obj: unknown, options?: { depth?: number }) => emit('info', inspect(obj, options)),
        dirxml: line('info'),
        table: (data: unknown) => emit('info', inspect(data)),
        assert: (condition: unknown, ...args: unknown[]) => {
            if (!condition) emit('error', args.length ? `Assertion failed: ${format(...args)}` : 'Assertion failed');
        },
        count: (label = 'default') => {
            const n = (counts.get(label) ?? 0) + 1;
            counts.set(label, n);
            emit('info', `${label}: ${n}`);
        },
        countReset: (label = 'default') => {
            counts.delete(label);
        },
        group: (...args: unknown[]) => {
            if (args.length) emit('info', format(...args));
            indent += '  ';
        },
        groupCollapsed: (...args: unknown[]) => c.group(...args),
        groupEnd: () => {
            indent = indent.slice(2);
        },
        time: (label = 'default') => {
            timers.set(label, Date.now());
        },
        timeLog: (label = 'default', ...args: unknown[]) => {
            const start = timers.get(label);
            if (start === undefined) return emit('warn', `Warning: No such label '${label}' for console.timeLog()`);
            emit('info', `${label}: ${Date.now() - start}ms${args.length ? ' ' + format(...args) : ''}`);
        },
        timeEnd: (label = 'default') => {
            const start = timers.get(label);
            if (start === undefined) return emit('warn', `Warning: No such label '${label}' for console.timeEnd()`);
            timers.delete(label);
            emit('info', `${label}: ${Date.now() - start}ms`);
        },
    };
    return c as unknown as Console;
}

/** Console is the subset of the console API ferry provides. */
export interface Console {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
    trace(...args: unknown[]): void;
    dir(obj: unknown, options?: { depth?: number }): void;
    dirxml(...args: unknown[]): void;
    table(data: unknown): void;
    assert(condition: unknown, ...args: unknown[]): void;
    count(label?: string): void;
    countReset(label?: string): void;
    group(...args: unknown[]): void;
    groupCollapsed(...args: unknown[]): void;
    groupEnd(): void;
    time(label?: string): void;
    timeLog(label?: string, ...args: unknown[]): void;
    timeEnd(label?: string): void;
}
