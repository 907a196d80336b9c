/**
 * Node's string encodings for Buffer: names, and string ↔ bytes for each.
 */

import { base64Decode, base64Encode, hexDecode, hexEncode } from './base64';
import { latin1Decode, latin1Encode, utf8Decode, utf8Encode, utf8Length } from './utf8';

/** The encodings Buffer accepts, as Node names them. */
export type BufferEncoding =
    | 'utf8'
    | 'utf-8'
    | 'hex'
    | 'base64'
    | 'base64url'
    | 'latin1'
    | 'binary'
    | 'ascii'
    | 'utf16le'
    | 'utf-16le'
    | 'ucs2'
    | 'ucs-2';

/** Encoding is a normalised encoding name. */
export type Encoding = 'utf8' | 'hex' | 'base64' | 'base64url' | 'latin1' | 'ascii' | 'utf16le';

const ALIASES: Record<string, Encoding> = {
    utf8: 'utf8',
    'utf-8': 'utf8',
    hex: 'hex',
    base64: 'base64',
    base64url: 'base64url',
    latin1: 'latin1',
    binary: 'latin1',
    ascii: 'ascii',
    utf16le: 'utf16le',
    'utf-16le': 'utf16le',
    ucs2: 'utf16le',
    'ucs-2': 'utf16le',
};

/** lookupEncoding returns the normalised name of enc, or undefined when Node does not know it. */
export function lookupEncoding(enc: unknown): Encoding | undefined {
    if (typeof enc !== 'string') return undefined;
    return ALIASES[enc.toLowerCase()];
}

/** normalizeEncoding is lookupEncoding, with utf8 for undefined/null and a TypeError for unknown names. */
export function normalizeEncoding(enc: unknown): Encoding {
    if (enc === undefined || enc === null || enc === '') return 'utf8';
    const e = lookupEncoding(enc);
    if (!e) {
        const err = new TypeError(`Unknown encoding: ${String(enc)}`);
        (err as TypeError & { code: string }).code = 'ERR_UNKNOWN_ENCODING';
        throw err;
    }
    return e;
}

/** encodeString returns the bytes of s in encoding enc. */
export function encodeString(s: string, enc: Encoding): Uint8Array {
    switch (enc) {
        case 'utf8':
            return utf8Encode(s);
        case 'hex':
            return hexDecode(s);
        case 'base64':
        case 'base64url':
            return base64Decode(s);
        case 'latin1':
        case 'ascii':
            return latin1Encode(s);
        case 'utf16le': {
            const out = new Uint8Array(s.length * 2);
            for (let i = 0; i < s.length; i++) {
                const c = s.charCodeAt(i);
                out[2 * i] = c & 0xff;
                out[2 * i + 1] = c >> 8;
            }
            return out;
        }
    }
}

/** encodedLength is encodeString(s, enc).length, computed cheaply where it can be. */
export function encodedLength(s: string, enc: Encoding): number {
    switch (enc) {
        case 'utf8':
            return utf8Length(s);
        case 'latin1':
        case 'ascii':
            return s.length;
        case 'utf16le':
            return s.length * 2;
        default:
            return encodeString(s, enc).length;
    }
}

/** decodeBytes returns the string bytes hold in encoding enc. */
export function decodeBytes(bytes: Uint8Array, enc: Encoding): string {
    switch (enc) {
        case 'utf8':
            return utf8Decode(bytes);
        case 'hex':
            return hexEncode(bytes);
        case 'base64':
            return base64Encode(bytes);
        case 'base64url':
            return base64Encode(bytes, true);
        case 'latin1':
            return latin1Decode(bytes);
        case 'ascii': {
            const masked = new Uint8Array(bytes.length);
            for (let i = 0; i < bytes.length; i++) masked[i] = bytes[i] & 0x7f;
            return latin1Decode(masked);
        }
        case 'utf16le': {
            let s = '';
            for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
            return s;
        }
    }
}
