/**
 * Math.random as a seedable PRNG (xoshiro128**), so that the runtime can
 * reseed it from the host's randomness at the start of every execution:
 * a pre-warmed instance must not hand two executions the same sequence.
 */

let s0 = 0x9e3779b9;
let s1 = 0x243f6a88;
let s2 = 0xb7e15162;
let s3 = 0x85a308d3;

function rotl(x: number, k: number): number {
    return (x << k) | (x >>> (32 - k));
}

function next32(): number {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
}

/** random returns a double in [0, 1) with 53 random bits. */
export function random(): number {
    const hi = next32() >>> 5; // 27 bits
    const lo = next32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
}

/** seedRandom reseeds the generator from (at least) 16 bytes. */
export function seedRandom(bytes: Uint8Array): void {
    const word = (i: number) => (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0;
    s0 = word(0);
    s1 = word(4);
    s2 = word(8);
    s3 = word(12);
    if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point
    for (let i = 0; i < 8; i++) next32();
}

/** installRandom makes Math.random this generator. */
export function installRandom(): void {
    Object.defineProperty(Math, 'random', { value: random, writable: true, configurable: true, enumerable: false });
}
