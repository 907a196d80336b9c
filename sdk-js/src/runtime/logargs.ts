/**
 * nango.log's arguments, read the way Nango reads them: log(message),
 * log(message, meta), log(message, {level}), log(message, meta, {level}).
 * A trailing object with a string `level` is the options; a single plain
 * object after the message is the meta; anything else is appended to the
 * message text.
 */

import { format } from '../globals/inspect';
import { describeValue, toJSONSafe } from '../shared/json';

/** LogLine is one `log` capability request. */
export interface LogLine {
    message: string;
    level: 'debug' | 'info' | 'warn' | 'error';
    meta?: Record<string, unknown>;
}

const LEVELS: Record<string, LogLine['level']> = {
    debug: 'debug',
    verbose: 'debug',
    silly: 'debug',
    http: 'debug',
    trace: 'debug',
    info: 'info',
    log: 'info',
    warn: 'warn',
    warning: 'warn',
    error: 'error',
    fatal: 'error',
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
}

/** parseLogArgs reads nango.log's arguments; null when there is nothing to log. */
export function parseLogArgs(input: unknown[]): LogLine | null {
    const args = input.slice();
    if (args.length === 0) return null;
    let level: LogLine['level'] = 'info';
    const last = args[args.length - 1];
    if (args.length > 1 && isPlainObject(last) && typeof last.level === 'string') {
        level = LEVELS[last.level.toLowerCase()] ?? 'info';
        args.pop();
    }
    const [first, ...rest] = args;
    let message = describeValue(first);
    let meta: Record<string, unknown> | undefined;
    if (rest.length === 1 && isPlainObject(rest[0])) {
        meta = toJSONSafe(rest[0]) as Record<string, unknown>;
    } else if (rest.length > 0) {
        message += ' ' + format(...rest.map((r) => (typeof r === 'string' ? r : describeValue(r))));
    }
    return meta ? { message, level, meta } : { message, level };
}
