/**
 * Byte codecs shared by Buffer, atob/btoa and node:crypto: base64 (both
 * alphabets), hex, with Node's lenient decoding rules.
 */

import { DOMException } from './domexception';
import { latin1Decode, latin1Encode } from './utf8';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URLSAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** DECODE maps a character code to its 6-bit value (both alphabets), or -1. */
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
    DECODE[STD.charCodeAt(i)] = i;
    DECODE[URLSAFE.charCodeAt(i)] = i;
}

/** base64Encode encodes bytes; url selects the base64url alphabet without padding. */
export function base64Encode(bytes: Uint8Array, url = false): string {
    const abc = url ? URLSAFE : STD;
    const parts: string[] = [];
    let chunk = '';
    let i = 0;
    for (; i + 2 < bytes.length; i += 3) {
        const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        chunk += abc[n >> 18] + abc[(n >> 12) & 63] + abc[(n >> 6) & 63] + abc[n & 63];
        if (chunk.length >= 16384) {
            parts.push(chunk);
            chunk = '';
        }
    }
    const rest = bytes.length - i;
    if (rest === 1) {
        const n = bytes[i] << 16;
        chunk += abc[n >> 18] + abc[(n >> 12) & 63] + (url ? '' : '==');
    } else if (rest === 2) {
        const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
        chunk += abc[n >> 18] + abc[(n >> 12) & 63] + abc[(n >> 6) & 63] + (url ? '' : '=');
    }
    parts.push(chunk);
    return parts.join('');
}

/**
 * base64Decode decodes like Node's Buffer: either alphabet, characters
 * outside it skipped, decoding stops at the first '='.
 */
export function base64Decode(s: string): Uint8Array {
    const out = new Uint8Array(Math.ceil((s.length * 3) / 4));
    let n = 0;
    let bits = 0;
    let acc = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x3d) break; // '='
        const v = c < 128 ? DECODE[c] : -1;
        if (v < 0) continue;
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (acc >> bits) & 0xff;
        }
    }
    return out.subarray(0, n);
}

/** base64DecodedLength is the byte length base64Decode(s) returns. */
export function base64DecodedLength(s: string): number {
    return base64Decode(s).length;
}

const HEX = '0123456789abcdef';

/** hexEncode writes two lower-case hex digits per byte. */
export function hexEncode(bytes: Uint8Array): string {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
    return s;
}

function hexValue(c: number): number {
    if (c >= 48 && c <= 57) return c - 48;
    if (c >= 97 && c <= 102) return c - 87;
    if (c >= 65 && c <= 70) return c - 55;
    return -1;
}

/** hexDecode decodes pairs of hex digits like Node: it stops at the first invalid pair. */
export function hexDecode(s: string): Uint8Array {
    const out = new Uint8Array(s.length >> 1);
    let n = 0;
    for (; n < out.length; n++) {
        const hi = hexValue(s.charCodeAt(2 * n));
        const lo = hexValue(s.charCodeAt(2 * n + 1));
        if (hi < 0 || lo < 0) break;
        out[n] = (hi << 4) | lo;
    }
    return out.subarray(0, n);
}

/** btoa is the HTML btoa: base64 of a string of code points up to U+00FF. */
export function btoa(data: unknown): string {
    if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
    const s = String(data);
    for (let i = 0; i < s.length; i++) {
        if (s.charCodeAt(i) > 0xff) throw new DOMException('Invalid character', 'InvalidCharacterError');
    }
    return base64Encode(latin1Encode(s));
}

/** atob is the HTML atob: forgiving-base64 decode to a string of bytes. */
export function atob(data: unknown): string {
    if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
    let s = String(data).replace(/[\t\n\f\r ]+/g, '');
    if (s.length % 4 === 0) s = s.replace(/={1,2}$/, '');
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
        throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
    }
    return latin1Decode(base64Decode(s));
}
