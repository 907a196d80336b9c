/**
 * Buffer: Node's byte array, a Uint8Array subclass. The common API —
 * from/alloc/concat/byteLength/compare, toString and write in Node's
 * encodings, slice as a view, search, copy, fill, JSON — plus the numeric
 * read/write methods of bufferio.ts.
 */

import { type BufferEncoding, decodeBytes, encodeString, encodedLength, lookupEncoding, normalizeEncoding } from './codecs';
import { type NumberMethods, installNumberMethods } from './bufferio';
import { compareBytes, search, swap } from './bufferutil';

type BufferSource = ArrayBufferLike | ArrayBufferView;

function isArrayBuffer(v: unknown): v is ArrayBufferLike {
    return (
        v instanceof ArrayBuffer ||
        (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer) ||
        Object.prototype.toString.call(v) === '[object ArrayBuffer]'
    );
}

function argTypeError(name: string, expected: string, got: unknown): TypeError {
    const shown = got === null ? 'null' : typeof got === 'object' ? `an instance of ${got.constructor?.name ?? 'Object'}` : `type ${typeof got} (${String(got)})`;
    const err = new TypeError(`The "${name}" argument must be ${expected}. Received ${shown}`);
    (err as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
    return err;
}

function checkSize(size: unknown): number {
    if (typeof size !== 'number') throw argTypeError('size', 'of type number', size);
    if (!(size >= 0 && size <= 2 ** 32)) {
        const err = new RangeError(`The value of "size" is out of range. It must be >= 0 && <= ${2 ** 32}. Received ${size}`);
        (err as RangeError & { code: string }).code = 'ERR_OUT_OF_RANGE';
        throw err;
    }
    return Math.floor(size);
}

/** clampIndex turns a start/end argument into an index within [0, len], as Node does. */
function clampIndex(v: unknown, len: number, dflt: number): number {
    if (v === undefined) return dflt;
    let n = Math.trunc(Number(v));
    if (Number.isNaN(n)) n = 0;
    if (n < 0) n = 0;
    return n > len ? len : n;
}

function bytesOf(value: unknown, encoding?: unknown): Uint8Array {
    if (typeof value === 'string') return encodeString(value, normalizeEncoding(encoding));
    if (value instanceof Uint8Array) return value;
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (typeof value === 'number') return new Uint8Array([value & 0xff]);
    throw argTypeError('value', 'one of type number or string or an instance of Buffer or Uint8Array', value);
}

/** Buffer is Node's Buffer over a Uint8Array. */
export class Buffer extends Uint8Array {
    /** poolSize is Node's pool size; ferry does not pool, it is here for code that reads it. */
    static poolSize = 8192;

    constructor(arg?: number | string | ArrayLike<number> | ArrayBufferLike, encodingOrOffset?: unknown, length?: number) {
        if (typeof arg === 'string') {
            const bytes = encodeString(arg, normalizeEncoding(encodingOrOffset));
            super(bytes.length);
            this.set(bytes);
            return;
        }
        if (isArrayBuffer(arg)) {
            const offset = encodingOrOffset === undefined ? 0 : Number(encodingOrOffset);
            super(arg as ArrayBuffer, offset, length === undefined ? arg.byteLength - offset : length);
            return;
        }
        super(arg as ArrayLike<number>);
    }

    /** from copies bytes from a string, array, Buffer or view, or wraps an ArrayBuffer. */
    static from(value: unknown, encodingOrOffset?: unknown, length?: number): Buffer {
        if (typeof value === 'string') return new Buffer(value, encodingOrOffset);
        if (isArrayBuffer(value)) {
            const offset = encodingOrOffset === undefined ? 0 : Number(encodingOrOffset) >>> 0;
            if (offset > value.byteLength) throw new RangeError('"offset" is outside of buffer bounds');
            const len = length === undefined ? value.byteLength - offset : Number(length) >>> 0;
            if (offset + len > value.byteLength) throw new RangeError('"length" is outside of buffer bounds');
            return new Buffer(value, offset, len);
        }
        if (typeof value === 'object' && value !== null) {
            if (ArrayBuffer.isView(value) || Array.isArray(value)) return copyArrayLike(value as unknown as ArrayLike<number>);
            const v = value as { type?: unknown; data?: unknown; length?: unknown; valueOf?: () => unknown; [Symbol.toPrimitive]?: (hint: string) => unknown };
            if (typeof v[Symbol.toPrimitive] === 'function') {
                const prim = v[Symbol.toPrimitive]!('string');
                if (typeof prim === 'string') return new Buffer(prim, encodingOrOffset);
            }
            const inner = typeof v.valueOf === 'function' ? v.valueOf() : value;
            if (inner !== value && inner !== null && inner !== undefined) return Buffer.from(inner, encodingOrOffset, length);
            if (v.type === 'Buffer' && Array.isArray(v.data)) return copyArrayLike(v.data);
            if (typeof v.length === 'number') return copyArrayLike(value as ArrayLike<number>);
        }
        throw argTypeError('first', 'of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object', value);
    }

    /** alloc returns a zeroed Buffer of size bytes, optionally filled. */
    static alloc(size: number, fill?: string | number | Uint8Array, encoding?: BufferEncoding): Buffer {
        const buf = new Buffer(checkSize(size));
        if (fill !== undefined && fill !== 0 && buf.length > 0) buf.fill(fill, 0, buf.length, encoding);
        return buf;
    }

    /** allocUnsafe is alloc: memory is always zeroed here. */
    static allocUnsafe(size: number): Buffer {
        return new Buffer(checkSize(size));
    }

    /** allocUnsafeSlow is alloc. */
    static allocUnsafeSlow(size: number): Buffer {
        return new Buffer(checkSize(size));
    }

    /** byteLength is the number of bytes value has, or would have in encoding. */
    static byteLength(value: string | BufferSource, encoding?: BufferEncoding): number {
        if (typeof value === 'string') return encodedLength(value, lookupEncoding(encoding) ?? 'utf8');
        if (ArrayBuffer.isView(value) || isArrayBuffer(value)) return value.byteLength;
        throw argTypeError('string', 'of type string or an instance of Buffer or ArrayBuffer', value);
    }

    /** concat joins Buffers/Uint8Arrays, truncated or zero-padded to totalLength. */
    static concat(list: readonly Uint8Array[], totalLength?: number): Buffer {
        if (!Array.isArray(list)) throw argTypeError('list', 'an instance of Array', list);
        const out = Buffer.alloc(totalLength ?? list.reduce((n, b) => n + b.length, 0));
        let pos = 0;
        for (const item of list) {
            if (!(item instanceof Uint8Array)) throw argTypeError('list[i]', 'an instance of Buffer or Uint8Array', item);
            if (pos >= out.length) break;
            const part = item.length > out.length - pos ? item.subarray(0, out.length - pos) : item;
            out.set(part, pos);
            pos += part.length;
        }
        return out;
    }

    /** copyBytesFrom copies part of a typed array's bytes into a new Buffer. */
    static copyBytesFrom(view: ArrayBufferView & { length: number; BYTES_PER_ELEMENT: number }, offset = 0, length = view.length - offset): Buffer {
        const size = view.BYTES_PER_ELEMENT;
        const bytes = new Uint8Array(view.buffer, view.byteOffset + offset * size, Math.max(0, Math.min(length, view.length - offset)) * size);
        return copyArrayLike(bytes);
    }

    /** isBuffer reports a Buffer. */
    static isBuffer(obj: unknown): obj is Buffer {
        return obj instanceof Buffer;
    }

    /** isEncoding reports an encoding name Buffer knows. */
    static isEncoding(encoding: unknown): encoding is BufferEncoding {
        return lookupEncoding(encoding) !== undefined;
    }

    /** compare orders two byte arrays: -1, 0 or 1. */
    static compare(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
        if (!(a instanceof Uint8Array)) throw argTypeError('buf1', 'an instance of Buffer or Uint8Array', a);
        if (!(b instanceof Uint8Array)) throw argTypeError('buf2', 'an instance of Buffer or Uint8Array', b);
        return compareBytes(a, b);
    }

    /** toString decodes bytes [start, end) in encoding (utf8). */
    override toString(encoding?: BufferEncoding, start?: number, end?: number): string {
        if (arguments.length === 0) return decodeBytes(this, 'utf8');
        const enc = normalizeEncoding(encoding);
        const s = clampIndex(start, this.length, 0);
        const e = clampIndex(end, this.length, this.length);
        if (e <= s) return '';
        return decodeBytes(s === 0 && e === this.length ? this : this.subarray(s, e), enc);
    }

    override toLocaleString(): string {
        return this.toString();
    }

    /** toJSON is Node's {type: 'Buffer', data: [...]}. */
    toJSON(): { type: 'Buffer'; data: number[] } {
        return { type: 'Buffer', data: Array.from(this) };
    }

    /** equals reports the same bytes. */
    equals(other: Uint8Array): boolean {
        if (!(other instanceof Uint8Array)) throw argTypeError('otherBuffer', 'an instance of Buffer or Uint8Array', other);
        return this.length === other.length && compareBytes(this, other) === 0;
    }

    /** compare orders this[sourceStart, sourceEnd) against target[targetStart, targetEnd). */
    compare(target: Uint8Array, targetStart = 0, targetEnd = target.length, sourceStart = 0, sourceEnd = this.length): -1 | 0 | 1 {
        if (!(target instanceof Uint8Array)) throw argTypeError('target', 'an instance of Buffer or Uint8Array', target);
        return compareBytes(this.subarray(sourceStart, sourceEnd), target.subarray(targetStart, targetEnd));
    }

    /** slice is a view, as in Node (not a copy, unlike Uint8Array's). */
    override slice(start?: number, end?: number): Buffer {
        return this.subarray(start, end);
    }

    override subarray(start?: number, end?: number): Buffer {
        return super.subarray(start, end) as Buffer;
    }

    /** write encodes string into this buffer at offset; returns the bytes written. */
    write(string: string, offsetOrEncoding?: number | BufferEncoding, lengthOrEncoding?: number | BufferEncoding, encoding?: BufferEncoding): number {
        let offset = 0;
        let length = this.length;
        let enc: unknown = encoding;
        if (typeof offsetOrEncoding === 'string') enc = offsetOrEncoding;
        else {
            if (offsetOrEncoding !== undefined) offset = offsetOrEncoding >>> 0;
            if (typeof lengthOrEncoding === 'string') enc = lengthOrEncoding;
            else if (lengthOrEncoding !== undefined) length = lengthOrEncoding >>> 0;
        }
        if (offset > this.length) throw new RangeError('The value of "offset" is out of range.');
        const bytes = encodeString(String(string), normalizeEncoding(enc));
        const n = Math.min(bytes.length, length, this.length - offset);
        this.set(n === bytes.length ? bytes : bytes.subarray(0, n), offset);
        return n;
    }

    /** fill repeats a number, string or bytes over [offset, end). */
    override fill(value: string | number | Uint8Array | boolean, offset?: number | BufferEncoding, end?: number | BufferEncoding, encoding?: BufferEncoding): this {
        let enc: unknown = encoding;
        if (typeof offset === 'string') {
            enc = offset;
            offset = 0;
            end = this.length;
        } else if (typeof end === 'string') {
            enc = end;
            end = this.length;
        }
        const s = clampIndex(offset, this.length, 0);
        const e = clampIndex(end, this.length, this.length);
        if (typeof value === 'number' || typeof value === 'boolean') {
            super.fill(Number(value) & 0xff, s, e);
            return this;
        }
        const pattern = bytesOf(value, enc);
        if (pattern.length === 0) {
            if (typeof value === 'string') {
                super.fill(0, s, e);
                return this;
            }
            throw new TypeError('The argument "value" is invalid. Received an empty buffer');
        }
        for (let i = s; i < e; i++) this[i] = pattern[(i - s) % pattern.length];
        return this;
    }

    /** indexOf finds a byte, string or byte sequence from byteOffset. */
    override indexOf(value: string | number | Uint8Array, byteOffset?: number | BufferEncoding, encoding?: BufferEncoding): number {
        return search(this, value, byteOffset, encoding, true);
    }

    /** lastIndexOf finds a byte, string or byte sequence backwards from byteOffset. */
    override lastIndexOf(value: string | number | Uint8Array, byteOffset?: number | BufferEncoding, encoding?: BufferEncoding): number {
        return search(this, value, byteOffset, encoding, false);
    }

    /** includes reports indexOf(...) !== -1. */
    override includes(value: string | number | Uint8Array, byteOffset?: number | BufferEncoding, encoding?: BufferEncoding): boolean {
        return this.indexOf(value, byteOffset, encoding) !== -1;
    }

    /** copy copies this[sourceStart, sourceEnd) into target at targetStart; returns the bytes copied. */
    copy(target: Uint8Array, targetStart = 0, sourceStart = 0, sourceEnd = this.length): number {
        sourceEnd = Math.min(sourceEnd, this.length);
        if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
        const n = Math.min(sourceEnd - sourceStart, target.length - targetStart);
        target.set(this.subarray(sourceStart, sourceStart + n), targetStart);
        return n;
    }

    /** swap16 reverses the byte order of each 16-bit unit in place. */
    swap16(): this {
        return swap(this, 2);
    }

    /** swap32 reverses the byte order of each 32-bit unit in place. */
    swap32(): this {
        return swap(this, 4);
    }

    /** swap64 reverses the byte order of each 64-bit unit in place. */
    swap64(): this {
        return swap(this, 8);
    }
}

function copyArrayLike(src: ArrayLike<number>): Buffer {
    const out = new Buffer(src.length);
    out.set(src);
    return out;
}

installNumberMethods(Buffer.prototype);
// Keep the class name whatever a bundler renames the binding to (inspect and users read it).
Object.defineProperty(Buffer, 'name', { value: 'Buffer' });

export type { BufferEncoding };

// Buffer gets its numeric readers and writers at run time (bufferio.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Buffer extends NumberMethods {}
