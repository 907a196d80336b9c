/**
 * Byte-array helpers behind Buffer's compare, swap and search methods.
 */

import { type Encoding, encodeString, normalizeEncoding } from './codecs';

/** compareBytes orders two byte arrays lexicographically: -1, 0 or 1. */
export function compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
        if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** swap reverses the byte order of each size-byte unit of buf in place. */
export function swap<T extends Uint8Array>(buf: T, size: number): T {
    if (buf.length % size !== 0) throw new RangeError(`Buffer size must be a multiple of ${size * 8}-bits`);
    for (let i = 0; i < buf.length; i += size) buf.subarray(i, i + size).reverse();
    return buf;
}

/**
 * search is Buffer's indexOf (forward) and lastIndexOf: value is a byte,
 * a string in encoding, or a byte sequence; byteOffset may be negative.
 */
export function search(buf: Uint8Array, value: string | number | Uint8Array, byteOffset: number | string | undefined, encoding: unknown, forward: boolean): number {
    if (typeof byteOffset === 'string') {
        encoding = byteOffset;
        byteOffset = undefined;
    }
    let from = byteOffset === undefined ? (forward ? 0 : buf.length) : Number(byteOffset);
    if (Number.isNaN(from)) from = forward ? 0 : buf.length;
    if (from < 0) from += buf.length;
    if (typeof value === 'number') {
        const b = value & 0xff;
        if (forward) return Uint8Array.prototype.indexOf.call(buf, b, Math.max(0, from));
        if (from < 0) return -1;
        return Uint8Array.prototype.lastIndexOf.call(buf, b, Math.min(from, buf.length - 1));
    }
    const needle = typeof value === 'string' ? encodeString(value, normalizeEncoding(encoding as Encoding)) : value;
    if (!(needle instanceof Uint8Array)) throw new TypeError('The "value" argument must be one of type number or string or an instance of Buffer or Uint8Array');
    if (forward) {
        from = Math.max(0, from);
        if (needle.length === 0) return Math.min(from, buf.length);
        for (let i = from; i + needle.length <= buf.length; i++) {
            if (matchAt(buf, needle, i)) return i;
        }
        return -1;
    }
    if (from < 0) return -1;
    for (let i = Math.min(from, buf.length - needle.length); i >= 0; i--) {
        if (matchAt(buf, needle, i)) return i;
    }
    return -1;
}

function matchAt(buf: Uint8Array, needle: Uint8Array, at: number): boolean {
    for (let j = 0; j < needle.length; j++) {
        if (buf[at + j] !== needle[j]) return false;
    }
    return true;
}
