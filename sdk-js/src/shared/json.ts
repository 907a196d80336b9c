/**
 * JSON helpers for values that must cross to the host whatever the
 * function put in them (log meta, ActionError payloads).
 */

/**
 * toJSONSafe returns a JSON-compatible copy of value: cycles become
 * "[Circular]", BigInts strings, Errors {name, message}, functions and
 * symbols are dropped (as JSON.stringify drops them).
 */
export function toJSONSafe(value: unknown): unknown {
    const seen: object[] = [];
    const text = JSON.stringify(value, function (this: unknown, _key: string, v: unknown) {
        if (typeof v === 'bigint') return v.toString();
        if (v instanceof Error) return { name: v.name, message: v.message };
        if (typeof v === 'object' && v !== null) {
            // `this` is the holder: drop it from the ancestor chain when we move to a sibling.
            while (seen.length > 0 && seen[seen.length - 1] !== this) seen.pop();
            if (seen.includes(v)) return '[Circular]';
            seen.push(v);
        }
        return v;
    });
    return text === undefined ? null : JSON.parse(text);
}

/** describeValue renders a thrown or logged non-string value as text. */
export function describeValue(value: unknown): string {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return value.message ? `${value.name}: ${value.message}` : value.name;
    if (value === undefined) return 'undefined';
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'symbol' || typeof value === 'function') return String(value);
    try {
        return JSON.stringify(toJSONSafe(value));
    } catch {
        return String(value);
    }
}
