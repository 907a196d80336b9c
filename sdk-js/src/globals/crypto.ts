/**
 * The Web Crypto subset functions use: crypto.getRandomValues and
 * crypto.randomUUID, over the host's `random_bytes` capability.
 * crypto.subtle is not provided.
 */

import { hostCall } from '../shared/host';
import { base64Decode, hexEncode } from './base64';
import { DOMException } from './domexception';

const MAX_CALL = 65536;

/** randomBytes returns n bytes from the host's cryptographic randomness. */
export function randomBytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += MAX_CALL) {
        const size = Math.min(MAX_CALL, n - off);
        const { bytes } = hostCall<{ bytes: string }>('random_bytes', { size });
        out.set(base64Decode(bytes).subarray(0, size), off);
    }
    return out;
}

const INTEGER_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];

/** getRandomValues fills an integer typed array (at most 65536 bytes) with random bytes. */
export function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    if (!ArrayBuffer.isView(array) || !INTEGER_ARRAYS.includes(Object.prototype.toString.call(array).slice(8, -1))) {
        throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
    }
    if (array.byteLength > MAX_CALL) {
        throw new DOMException(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`, 'QuotaExceededError');
    }
    if (array.byteLength > 0) new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(randomBytes(array.byteLength));
    return array;
}

/** randomUUID returns a random (version 4) UUID. */
export function randomUUID(): string {
    const b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = hexEncode(b);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** webcrypto is the object installed as globalThis.crypto. */
export const webcrypto = {
    getRandomValues,
    randomUUID,
    get [Symbol.toStringTag]() {
        return 'Crypto';
    },
};
