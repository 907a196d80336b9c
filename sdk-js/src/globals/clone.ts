/**
 * structuredClone for plain data: primitives, wrappers, Date, RegExp,
 * Map, Set, arrays, plain objects, Error, ArrayBuffer, typed arrays and
 * DataView, with cycles and shared references kept. Functions, symbols
 * and other host objects throw a DataCloneError.
 */

import { DOMException } from './domexception';

type TypedArray = ArrayBufferView & { length: number };

const ERRORS: Record<string, ErrorConstructor> = {
    Error,
    EvalError,
    RangeError,
    ReferenceError,
    SyntaxError,
    TypeError,
    URIError,
};

function uncloneable(value: unknown): Error {
    const what = typeof value === 'function' ? `${(value as { name?: string }).name || 'anonymous'}() {}` : String(value);
    return new DOMException(`${what} could not be cloned.`, 'DataCloneError');
}

function tag(v: object): string {
    return Object.prototype.toString.call(v).slice(8, -1);
}

/** structuredClone deep-copies value as the HTML structured clone algorithm does for plain data. */
export function structuredClone<T>(value: T, options?: { transfer?: unknown[] }): T {
    if (options?.transfer?.length) {
        throw new DOMException('structuredClone: transfer is not supported', 'DataCloneError');
    }
    const memory = new Map<object, unknown>();

    const clone = (v: unknown): unknown => {
        if (typeof v === 'symbol' || typeof v === 'function') throw uncloneable(v);
        if (typeof v !== 'object' || v === null) return v;
        if (memory.has(v)) return memory.get(v);
        const t = tag(v);
        let out: unknown;
        switch (t) {
            case 'Boolean':
            case 'Number':
            case 'String':
            case 'BigInt':
                out = Object((v as { valueOf(): unknown }).valueOf());
                memory.set(v, out);
                return out;
            case 'Date':
                out = new Date((v as Date).getTime());
                memory.set(v, out);
                return out;
            case 'RegExp':
                out = new RegExp((v as RegExp).source, (v as RegExp).flags);
                memory.set(v, out);
                return out;
            case 'ArrayBuffer':
                out = (v as ArrayBuffer).slice(0);
                memory.set(v, out);
                return out;
            case 'DataView': {
                const dv = v as DataView;
                out = new DataView(clone(dv.buffer) as ArrayBuffer, dv.byteOffset, dv.byteLength);
                memory.set(v, out);
                return out;
            }
            case 'Map': {
                const m = new Map();
                memory.set(v, m);
                for (const [k, val] of v as Map<unknown, unknown>) m.set(clone(k), clone(val));
                return m;
            }
            case 'Set': {
                const s = new Set();
                memory.set(v, s);
                for (const item of v as Set<unknown>) s.add(clone(item));
                return s;
            }
            case 'Array': {
                const src = v as unknown[];
                const a: unknown[] = new Array(src.length);
                memory.set(v, a);
                for (const k of Object.keys(src)) (a as unknown as Record<string, unknown>)[k] = clone((src as unknown as Record<string, unknown>)[k]);
                return a;
            }
            case 'Error': {
                const e = v as Error;
                const Ctor = ERRORS[e.name] ?? Error;
                const copy = new Ctor(String(e.message));
                memory.set(v, copy);
                if (e.stack !== undefined) Object.defineProperty(copy, 'stack', { value: String(e.stack), writable: true, configurable: true });
                if ('cause' in e) (copy as Error & { cause: unknown }).cause = clone(e.cause);
                return copy;
            }
            case 'Object':
                break;
            default:
                if (ArrayBuffer.isView(v)) {
                    const ta = v as unknown as TypedArray;
                    // Typed arrays clone as their base class: a Buffer becomes a Uint8Array, as in Node.
                    const base = BASES[t];
                    if (!base) throw uncloneable(v);
                    out = new base(clone(ta.buffer) as ArrayBuffer, ta.byteOffset, ta.length);
                    memory.set(v, out);
                    return out;
                }
                if (t === 'Promise' || t === 'WeakMap' || t === 'WeakSet' || t === 'WeakRef' || t === 'Generator' || t === 'Proxy') throw uncloneable(v);
        }
        const o: Record<string, unknown> = {};
        memory.set(v, o);
        for (const k of Object.keys(v)) o[k] = clone((v as Record<string, unknown>)[k]);
        return o;
    };
    return clone(value) as T;
}

const BASES: Record<string, new (buffer: ArrayBuffer, offset: number, length: number) => unknown> = {
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
};
