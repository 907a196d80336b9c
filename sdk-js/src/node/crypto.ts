/**
 * node:crypto — the subset functions use: createHash and createHmac (md5,
 * sha1, sha256, sha512) over the host's `crypto_digest` capability,
 * randomBytes/randomUUID/randomInt/getRandomValues over `random_bytes`,
 * timingSafeEqual, and webcrypto's getRandomValues/randomUUID. Ciphers,
 * signatures, key derivation and subtle are not available: they throw.
 */

import { base64Decode, base64Encode } from '../globals/base64';
import { Buffer } from '../globals/buffer';
import { type BufferEncoding, decodeBytes, encodeString, normalizeEncoding } from '../globals/codecs';
import { getRandomValues, randomBytes as hostRandomBytes, randomUUID } from '../globals/crypto';
import { hostCall } from '../shared/host';

type Algorithm = 'md5' | 'sha1' | 'sha256' | 'sha512';
type BinaryLike = string | ArrayBufferView | ArrayBuffer;

const ALGORITHMS: Record<string, Algorithm> = {
    md5: 'md5',
    'rsa-md5': 'md5',
    sha1: 'sha1',
    'sha-1': 'sha1',
    'rsa-sha1': 'sha1',
    sha256: 'sha256',
    'sha-256': 'sha256',
    'rsa-sha256': 'sha256',
    sha512: 'sha512',
    'sha-512': 'sha512',
    'rsa-sha512': 'sha512',
};

function algorithm(name: unknown): Algorithm {
    const alg = typeof name === 'string' ? ALGORITHMS[name.toLowerCase()] : undefined;
    if (!alg) throw new Error(`Digest method not supported: ${String(name)} (ferry supports md5, sha1, sha256, sha512)`);
    return alg;
}

function toBytes(data: BinaryLike | { export?: () => Uint8Array }, encoding?: BufferEncoding): Uint8Array {
    if (typeof data === 'string') return encodeString(data, normalizeEncoding(encoding));
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data && typeof (data as { export?: unknown }).export === 'function') return toBytes((data as { export: () => Uint8Array }).export());
    throw new TypeError('The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView');
}

function output(digest: Uint8Array, encoding?: BufferEncoding): Buffer | string {
    const buf = Buffer.from(digest);
    return encoding === undefined || (encoding as string) === 'buffer' ? buf : decodeBytes(buf, normalizeEncoding(encoding));
}

/** Hash accumulates data and asks the host for its digest (md5, sha1, sha256, sha512). */
export class Hash {
    #parts: Uint8Array[] = [];
    #done = false;

    constructor(
        private readonly alg: Algorithm,
        private readonly hmacKey?: Uint8Array,
    ) {}

    /** update adds data (a string in inputEncoding, utf8 by default). */
    update(data: BinaryLike, inputEncoding?: BufferEncoding): this {
        if (this.#done) throw new Error('Digest already called');
        this.#parts.push(toBytes(data, inputEncoding).slice());
        return this;
    }

    /** digest returns the digest as a Buffer, or a string in encoding. */
    digest(): Buffer;
    digest(encoding: BufferEncoding): string;
    digest(encoding?: BufferEncoding): Buffer | string {
        if (this.#done) throw new Error('Digest already called');
        this.#done = true;
        const req: Record<string, string> = { algorithm: this.alg, data: base64Encode(Buffer.concat(this.#parts)) };
        if (this.hmacKey) req.hmacKey = base64Encode(this.hmacKey);
        const { digest } = hostCall<{ digest: string }>('crypto_digest', req);
        return output(base64Decode(digest), encoding);
    }

    /** copy returns a Hash with the same data so far. */
    copy(): Hash {
        if (this.#done) throw new Error('Digest already called');
        const h = new Hash(this.alg, this.hmacKey);
        for (const p of this.#parts) h.update(p);
        return h;
    }
}

/** Hmac is a Hash keyed with an HMAC key. */
export class Hmac extends Hash {}

/** createHash returns a Hash for md5, sha1, sha256 or sha512. */
export function createHash(alg: string): Hash {
    return new Hash(algorithm(alg));
}

/** createHmac returns an HMAC with key (a string, Buffer or KeyObject-like). */
export function createHmac(alg: string, key: BinaryLike | { export?: () => Uint8Array }, _options?: unknown): Hmac {
    return new Hmac(algorithm(alg), toBytes(key).slice());
}

/** hash is the one-shot crypto.hash(algorithm, data, outputEncoding = 'hex'). */
export function hash(alg: string, data: BinaryLike, outputEncoding: BufferEncoding | 'buffer' = 'hex'): string | Buffer {
    const h = createHash(alg).update(data);
    return outputEncoding === 'buffer' ? h.digest() : h.digest(outputEncoding);
}

/** getHashes lists the supported digests. */
export function getHashes(): string[] {
    return ['md5', 'sha1', 'sha256', 'sha512'];
}

/** randomBytes returns size random bytes; with a callback it calls back asynchronously. */
export function randomBytes(size: number): Buffer;
export function randomBytes(size: number, callback: (err: Error | null, buf: Buffer) => void): void;
export function randomBytes(size: number, callback?: (err: Error | null, buf: Buffer) => void): Buffer | void {
    if (typeof size !== 'number' || !(size >= 0) || size > 2 ** 31 - 1) throw new RangeError(`The value of "size" is out of range. Received ${String(size)}`);
    if (callback) {
        let buf: Buffer;
        try {
            buf = Buffer.from(hostRandomBytes(size));
        } catch (err) {
            Promise.resolve().then(() => callback(err as Error, Buffer.alloc(0)));
            return;
        }
        Promise.resolve().then(() => callback(null, buf));
        return;
    }
    return Buffer.from(hostRandomBytes(size));
}

/** pseudoRandomBytes is randomBytes. */
export const pseudoRandomBytes = randomBytes;

/** randomFillSync fills a view with random bytes. */
export function randomFillSync<T extends ArrayBufferView>(buf: T, offset = 0, size?: number): T {
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const n = size ?? bytes.length - offset;
    bytes.set(hostRandomBytes(n), offset);
    return buf;
}

/** randomInt returns a random integer in [min, max) (min defaults to 0). */
export function randomInt(min: number, max?: number | ((err: Error | null, n: number) => void), callback?: (err: Error | null, n: number) => void): number | void {
    if (typeof max === 'function' || max === undefined) {
        callback = max as typeof callback;
        max = min;
        min = 0;
    }
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max <= min || max - min > 2 ** 48) {
        throw new RangeError(`The value of "max" is out of range. It must be greater than the value of "min" (${min}) and at most 2^48 above it. Received ${max}`);
    }
    const range = max - min;
    const limit = 2 ** 48 - (2 ** 48 % range);
    let x: number;
    do {
        const b = hostRandomBytes(6);
        x = b[0] * 2 ** 40 + b[1] * 2 ** 32 + b[2] * 2 ** 24 + b[3] * 2 ** 16 + b[4] * 2 ** 8 + b[5];
    } while (x >= limit);
    const n = min + (x % range);
    if (callback) {
        const cb = callback;
        Promise.resolve().then(() => cb(null, n));
        return;
    }
    return n;
}

/** timingSafeEqual compares two equal-length byte arrays in time independent of their contents. */
export function timingSafeEqual(a: ArrayBufferView, b: ArrayBufferView): boolean {
    const x = toBytes(a);
    const y = toBytes(b);
    if (x.length !== y.length) {
        const err = new RangeError('Input buffers must have the same byte length');
        (err as RangeError & { code: string }).code = 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH';
        throw err;
    }
    let diff = 0;
    for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
    return diff === 0;
}

function unsupported(name: string): (...args: unknown[]) => never {
    return () => {
        throw new Error(`crypto.${name} is not supported in ferry functions (available: createHash, createHmac, randomBytes, randomUUID, randomInt, timingSafeEqual)`);
    };
}

export const createCipheriv = unsupported('createCipheriv');
export const createDecipheriv = unsupported('createDecipheriv');
export const createSign = unsupported('createSign');
export const createVerify = unsupported('createVerify');
export const createPrivateKey = unsupported('createPrivateKey');
export const createPublicKey = unsupported('createPublicKey');
export const createSecretKey = unsupported('createSecretKey');
export const generateKeyPair = unsupported('generateKeyPair');
export const generateKeyPairSync = unsupported('generateKeyPairSync');
export const pbkdf2 = unsupported('pbkdf2');
export const pbkdf2Sync = unsupported('pbkdf2Sync');
export const scrypt = unsupported('scrypt');
export const scryptSync = unsupported('scryptSync');
export const hkdf = unsupported('hkdf');
export const hkdfSync = unsupported('hkdfSync');
export const sign = unsupported('sign');
export const verify = unsupported('verify');
export const publicEncrypt = unsupported('publicEncrypt');
export const privateDecrypt = unsupported('privateDecrypt');
export const privateEncrypt = unsupported('privateEncrypt');
export const publicDecrypt = unsupported('publicDecrypt');
export const createDiffieHellman = unsupported('createDiffieHellman');
export const createECDH = unsupported('createECDH');

/** subtle is not available; any use throws. */
export const subtle: Record<string, unknown> = new Proxy(
    {},
    {
        get: (_t, prop) => (typeof prop === 'string' ? unsupported(`subtle.${prop}`) : undefined),
    },
);

/** webcrypto is the Web Crypto object: getRandomValues and randomUUID. */
export const webcrypto = { getRandomValues, randomUUID, subtle };

export { getRandomValues, randomUUID };

export default {
    createHash,
    createHmac,
    hash,
    getHashes,
    randomBytes,
    pseudoRandomBytes,
    randomFillSync,
    randomInt,
    randomUUID,
    getRandomValues,
    timingSafeEqual,
    webcrypto,
    subtle,
    Hash,
    Hmac,
    createCipheriv,
    createDecipheriv,
    createSign,
    createVerify,
    createPrivateKey,
    createPublicKey,
    createSecretKey,
    generateKeyPair,
    generateKeyPairSync,
    pbkdf2,
    pbkdf2Sync,
    scrypt,
    scryptSync,
    hkdf,
    hkdfSync,
    sign,
    verify,
    publicEncrypt,
    privateDecrypt,
    privateEncrypt,
    publicDecrypt,
    createDiffieHellman,
    createECDH,
};
