/**
 * The WHATWG URL percent-encode sets, and percent-encoding/decoding over
 * UTF-8.
 */

import { utf8Decode, utf8Encode } from './utf8';

/** EncodeSet reports the ASCII code points a set encodes (non-ASCII is always encoded). */
export type EncodeSet = (c: number) => boolean;

const c0Control: EncodeSet = (c) => c < 0x20 || c > 0x7e;
const inString = (chars: string, base: EncodeSet): EncodeSet => {
    const table = new Uint8Array(128);
    for (let c = 0; c < 128; c++) table[c] = base(c) || chars.includes(String.fromCharCode(c)) ? 1 : 0;
    return (c) => c > 0x7e || table[c] === 1;
};

/** C0_CONTROL is the C0 control percent-encode set. */
export const C0_CONTROL: EncodeSet = c0Control;
/** FRAGMENT is the fragment percent-encode set. */
export const FRAGMENT = inString(' "<>`', c0Control);
/** QUERY is the query percent-encode set. */
export const QUERY = inString(' "#<>', c0Control);
/** SPECIAL_QUERY is the special-query percent-encode set. */
export const SPECIAL_QUERY = inString(" \"#<>'", c0Control);
/** PATH is the path percent-encode set. */
export const PATH = inString(' "#<>?`{}', c0Control);
/** USERINFO is the userinfo percent-encode set. */
export const USERINFO = inString(' "#<>?`{}/:;=@[\\]^|', c0Control);

const HEX = '0123456789ABCDEF';

/** percentEncode UTF-8 percent-encodes the code points of s that set contains. */
export function percentEncode(s: string, set: EncodeSet): string {
    let out = '';
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (!set(c)) {
            out += s[i];
            continue;
        }
        let ch = s[i];
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            ch += s[++i];
        }
        for (const b of utf8Encode(ch)) out += '%' + HEX[b >> 4] + HEX[b & 15];
    }
    return out;
}

function hexValue(c: number): number {
    if (c >= 48 && c <= 57) return c - 48;
    if (c >= 97 && c <= 102) return c - 87;
    if (c >= 65 && c <= 70) return c - 55;
    return -1;
}

/** percentDecodeBytes decodes %XX escapes in the UTF-8 of s. */
export function percentDecodeBytes(s: string): Uint8Array {
    const bytes = utf8Encode(s);
    const out = new Uint8Array(bytes.length);
    let n = 0;
    for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (b === 0x25 && i + 2 < bytes.length) {
            const hi = hexValue(bytes[i + 1]);
            const lo = hexValue(bytes[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out[n++] = (hi << 4) | lo;
                i += 2;
                continue;
            }
        }
        out[n++] = b;
    }
    return out.subarray(0, n);
}

/** percentDecode decodes %XX escapes and reads the bytes as UTF-8 (invalid → U+FFFD). */
export function percentDecode(s: string): string {
    return s.includes('%') ? utf8Decode(percentDecodeBytes(s)) : s;
}

/** formEncode serialises a name or value as application/x-www-form-urlencoded. */
export function formEncode(s: string): string {
    let out = '';
    for (const b of utf8Encode(s)) {
        if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2a || b === 0x2d || b === 0x2e || b === 0x5f) {
            out += String.fromCharCode(b);
        } else if (b === 0x20) {
            out += '+';
        } else {
            out += '%' + HEX[b >> 4] + HEX[b & 15];
        }
    }
    return out;
}

/** formDecode parses an application/x-www-form-urlencoded string into pairs. */
export function formDecode(s: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const part of s.split('&')) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        const name = eq < 0 ? part : part.slice(0, eq);
        const value = eq < 0 ? '' : part.slice(eq + 1);
        out.push([percentDecode(name.replace(/\+/g, ' ')), percentDecode(value.replace(/\+/g, ' '))]);
    }
    return out;
}
