/**
 * Buffer's numeric readers and writers (readUInt16LE, writeDoubleBE,
 * readBigInt64LE, readUIntBE…), generated over DataView with Node's range
 * checks, plus their lower-case "Uint" aliases.
 */

/** NumberMethods declares what installNumberMethods adds to Buffer.prototype. */
export interface NumberMethods {
    readUInt8(offset?: number): number;
    readInt8(offset?: number): number;
    readUInt16LE(offset?: number): number;
    readUInt16BE(offset?: number): number;
    readInt16LE(offset?: number): number;
    readInt16BE(offset?: number): number;
    readUInt32LE(offset?: number): number;
    readUInt32BE(offset?: number): number;
    readInt32LE(offset?: number): number;
    readInt32BE(offset?: number): number;
    readFloatLE(offset?: number): number;
    readFloatBE(offset?: number): number;
    readDoubleLE(offset?: number): number;
    readDoubleBE(offset?: number): number;
    readBigUInt64LE(offset?: number): bigint;
    readBigUInt64BE(offset?: number): bigint;
    readBigInt64LE(offset?: number): bigint;
    readBigInt64BE(offset?: number): bigint;
    readUIntLE(offset: number, byteLength: number): number;
    readUIntBE(offset: number, byteLength: number): number;
    readIntLE(offset: number, byteLength: number): number;
    readIntBE(offset: number, byteLength: number): number;
    writeUInt8(value: number, offset?: number): number;
    writeInt8(value: number, offset?: number): number;
    writeUInt16LE(value: number, offset?: number): number;
    writeUInt16BE(value: number, offset?: number): number;
    writeInt16LE(value: number, offset?: number): number;
    writeInt16BE(value: number, offset?: number): number;
    writeUInt32LE(value: number, offset?: number): number;
    writeUInt32BE(value: number, offset?: number): number;
    writeInt32LE(value: number, offset?: number): number;
    writeInt32BE(value: number, offset?: number): number;
    writeFloatLE(value: number, offset?: number): number;
    writeFloatBE(value: number, offset?: number): number;
    writeDoubleLE(value: number, offset?: number): number;
    writeDoubleBE(value: number, offset?: number): number;
    writeBigUInt64LE(value: bigint, offset?: number): number;
    writeBigUInt64BE(value: bigint, offset?: number): number;
    writeBigInt64LE(value: bigint, offset?: number): number;
    writeBigInt64BE(value: bigint, offset?: number): number;
    writeUIntLE(value: number, offset: number, byteLength: number): number;
    writeUIntBE(value: number, offset: number, byteLength: number): number;
    writeIntLE(value: number, offset: number, byteLength: number): number;
    writeIntBE(value: number, offset: number, byteLength: number): number;
}

type Kind = [name: string, size: number, view: string, min?: number | bigint, max?: number | bigint];

const KINDS: Kind[] = [
    ['UInt8', 1, 'Uint8', 0, 0xff],
    ['Int8', 1, 'Int8', -0x80, 0x7f],
    ['UInt16', 2, 'Uint16', 0, 0xffff],
    ['Int16', 2, 'Int16', -0x8000, 0x7fff],
    ['UInt32', 4, 'Uint32', 0, 0xffffffff],
    ['Int32', 4, 'Int32', -0x80000000, 0x7fffffff],
    ['Float', 4, 'Float32'],
    ['Double', 8, 'Float64'],
    ['BigUInt64', 8, 'BigUint64', 0n, 2n ** 64n - 1n],
    ['BigInt64', 8, 'BigInt64', -(2n ** 63n), 2n ** 63n - 1n],
];

function rangeError(what: string, range: string, got: unknown): RangeError {
    const err = new RangeError(`The value of "${what}" is out of range. It must be ${range}. Received ${String(got)}`);
    (err as RangeError & { code: string }).code = 'ERR_OUT_OF_RANGE';
    return err;
}

function checkOffset(buf: Uint8Array, offset: unknown, size: number): number {
    const o = offset === undefined ? 0 : offset;
    if (typeof o !== 'number') throw new TypeError(`The "offset" argument must be of type number. Received ${typeof o}`);
    if (!Number.isInteger(o) || o < 0 || o > buf.length - size) {
        if (buf.length - size < 0) {
            const err = new RangeError('Attempt to access memory outside buffer bounds');
            (err as RangeError & { code: string }).code = 'ERR_BUFFER_OUT_OF_BOUNDS';
            throw err;
        }
        throw rangeError('offset', `>= 0 and <= ${buf.length - size}`, o);
    }
    return o;
}

function view(buf: Uint8Array): DataView {
    return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

function checkByteLength(n: unknown): number {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 6) throw rangeError('byteLength', '>= 1 and <= 6', n);
    return n;
}

/** installNumberMethods adds the numeric readers and writers to proto. */
export function installNumberMethods(proto: Uint8Array): void {
    const target: Record<string, unknown> = {};
    for (const [name, size, v, min, max] of KINDS) {
        const get = `get${v}` as keyof DataView;
        const set = `set${v}` as keyof DataView;
        const endians: Array<[string, boolean]> = size === 1 ? [['', false]] : [['LE', true], ['BE', false]];
        for (const [suffix, little] of endians) {
            target[`read${name}${suffix}`] = function (this: Uint8Array, offset?: number) {
                const o = checkOffset(this, offset, size);
                return (view(this)[get] as (o: number, le: boolean) => number | bigint)(o, little);
            };
            target[`write${name}${suffix}`] = function (this: Uint8Array, value: number | bigint, offset?: number) {
                const o = checkOffset(this, offset, size);
                if (min !== undefined && max !== undefined) {
                    if (typeof min === 'bigint' && typeof value !== 'bigint') {
                        throw new TypeError(`The "value" argument must be of type bigint. Received type ${typeof value}`);
                    }
                    if (value < min || value > max) throw rangeError('value', `>= ${min} and <= ${max}`, value);
                }
                (view(this)[set] as (o: number, v: number | bigint, le: boolean) => void)(o, typeof min === 'bigint' ? value : Number(value), little);
                return o + size;
            };
        }
    }
    for (const little of [true, false]) {
        const suffix = little ? 'LE' : 'BE';
        const order = (i: number, n: number) => (little ? i : n - 1 - i);
        target[`readUInt${suffix}`] = function (this: Uint8Array, offset: number, byteLength: number) {
            const n = checkByteLength(byteLength);
            const o = checkOffset(this, offset, n);
            let v = 0;
            for (let i = n - 1; i >= 0; i--) v = v * 256 + this[o + order(i, n)];
            return v;
        };
        target[`readInt${suffix}`] = function (this: Uint8Array, offset: number, byteLength: number) {
            const n = checkByteLength(byteLength);
            const u = (target[`readUInt${suffix}`] as (o: number, n: number) => number).call(this, offset, n);
            const limit = 2 ** (8 * n - 1);
            return u >= limit ? u - 2 * limit : u;
        };
        for (const signed of [false, true]) {
            target[`write${signed ? 'Int' : 'UInt'}${suffix}`] = function (this: Uint8Array, value: number, offset: number, byteLength: number) {
                const n = checkByteLength(byteLength);
                const o = checkOffset(this, offset, n);
                const lo = signed ? -(2 ** (8 * n - 1)) : 0;
                const hi = signed ? 2 ** (8 * n - 1) - 1 : 2 ** (8 * n) - 1;
                if (typeof value !== 'number' || value < lo || value > hi) throw rangeError('value', `>= ${lo} and <= ${hi}`, value);
                let v = value < 0 ? value + 2 ** (8 * n) : value;
                for (let i = 0; i < n; i++) {
                    this[o + order(i, n)] = v % 256;
                    v = Math.floor(v / 256);
                }
                return o + n;
            };
        }
    }
    // Node's lower-case aliases: readUint8, writeUint16LE, readBigUint64BE…
    for (const key of Object.keys(target)) {
        if (/^(read|write)(Big)?UInt/.test(key)) target[key.replace('UInt', 'Uint')] = target[key];
    }
    for (const [key, fn] of Object.entries(target)) {
        Object.defineProperty(proto, key, { value: fn, writable: true, configurable: true, enumerable: false });
    }
}
