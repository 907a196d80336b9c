/**
 * UTF-8 encoding and decoding, as the WHATWG Encoding Standard defines them:
 * lone surrogates encode as U+FFFD, and each maximal invalid subpart
 * decodes as one U+FFFD. Shared by TextEncoder/TextDecoder, Buffer and URL.
 */

/** utf8Length is the number of bytes utf8Encode(s) produces. */
export function utf8Length(s: string): number {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80) n += 1;
        else if (c < 0x800) n += 2;
        else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            n += 4;
            i++;
        } else n += 3;
    }
    return n;
}

/**
 * utf8EncodeInto writes the UTF-8 of s into dest from offset, stopping
 * before a character that does not fit, and returns the UTF-16 units
 * read and the bytes written.
 */
export function utf8EncodeInto(s: string, dest: Uint8Array, offset = 0): { read: number; written: number } {
    let p = offset;
    const end = dest.length;
    let i = 0;
    for (; i < s.length; i++) {
        let c = s.charCodeAt(i);
        let units = 1;
        if (c >= 0xd800 && c <= 0xdfff) {
            const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
            if (c <= 0xdbff && (next & 0xfc00) === 0xdc00) {
                c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
                units = 2;
            } else {
                c = 0xfffd;
            }
        }
        if (c < 0x80) {
            if (p + 1 > end) break;
            dest[p++] = c;
        } else if (c < 0x800) {
            if (p + 2 > end) break;
            dest[p++] = 0xc0 | (c >> 6);
            dest[p++] = 0x80 | (c & 0x3f);
        } else if (c < 0x10000) {
            if (p + 3 > end) break;
            dest[p++] = 0xe0 | (c >> 12);
            dest[p++] = 0x80 | ((c >> 6) & 0x3f);
            dest[p++] = 0x80 | (c & 0x3f);
        } else {
            if (p + 4 > end) break;
            dest[p++] = 0xf0 | (c >> 18);
            dest[p++] = 0x80 | ((c >> 12) & 0x3f);
            dest[p++] = 0x80 | ((c >> 6) & 0x3f);
            dest[p++] = 0x80 | (c & 0x3f);
        }
        i += units - 1;
    }
    return { read: i, written: p - offset };
}

/** utf8Encode returns the UTF-8 bytes of s. */
export function utf8Encode(s: string): Uint8Array {
    const out = new Uint8Array(utf8Length(s));
    utf8EncodeInto(s, out);
    return out;
}

/**
 * Utf8Decoder is the Encoding Standard's UTF-8 decoder, with state kept
 * between calls so that a stream split inside a character decodes whole.
 */
export class Utf8Decoder {
    private needed = 0;
    private seen = 0;
    private lower = 0x80;
    private upper = 0xbf;
    private cp = 0;

    constructor(private readonly fatal = false) {}

    /** decode decodes bytes; with stream false it also flushes a pending partial character. */
    decode(bytes: Uint8Array, stream = false): string {
        const parts: string[] = [];
        let units: number[] = [];
        const push = (c: number) => {
            if (c > 0xffff) {
                c -= 0x10000;
                units.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
            } else {
                units.push(c);
            }
            if (units.length >= 8192) {
                parts.push(String.fromCharCode.apply(null, units));
                units = [];
            }
        };
        const bad = () => {
            if (this.fatal) {
                this.reset();
                throw new TypeError('The encoded data was not valid for encoding utf-8');
            }
            push(0xfffd);
        };
        for (let i = 0; i < bytes.length; i++) {
            const b = bytes[i];
            if (this.needed === 0) {
                if (b < 0x80) push(b);
                else if (b >= 0xc2 && b <= 0xdf) {
                    this.needed = 1;
                    this.cp = b & 0x1f;
                } else if (b >= 0xe0 && b <= 0xef) {
                    if (b === 0xe0) this.lower = 0xa0;
                    if (b === 0xed) this.upper = 0x9f;
                    this.needed = 2;
                    this.cp = b & 0xf;
                } else if (b >= 0xf0 && b <= 0xf4) {
                    if (b === 0xf0) this.lower = 0x90;
                    if (b === 0xf4) this.upper = 0x8f;
                    this.needed = 3;
                    this.cp = b & 0x7;
                } else bad();
                continue;
            }
            if (b < this.lower || b > this.upper) {
                this.reset();
                bad();
                i--; // reprocess this byte as the start of a new sequence
                continue;
            }
            this.lower = 0x80;
            this.upper = 0xbf;
            this.cp = (this.cp << 6) | (b & 0x3f);
            if (++this.seen === this.needed) {
                const c = this.cp;
                this.reset();
                push(c);
            }
        }
        if (!stream && this.needed !== 0) {
            this.reset();
            bad();
        }
        if (units.length) parts.push(String.fromCharCode.apply(null, units));
        return parts.length === 1 ? parts[0] : parts.join('');
    }

    private reset(): void {
        this.needed = 0;
        this.seen = 0;
        this.lower = 0x80;
        this.upper = 0xbf;
        this.cp = 0;
    }
}

/** utf8Decode decodes bytes, replacing invalid sequences with U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
    // Fast path: pure ASCII.
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) return latin1Decode(bytes);
    return new Utf8Decoder().decode(bytes);
}

/** latin1Decode maps each byte to the code point of the same value. */
export function latin1Decode(bytes: Uint8Array): string {
    const parts: string[] = [];
    for (let i = 0; i < bytes.length; i += 8192) {
        parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]));
    }
    return parts.join('');
}

/** latin1Encode keeps the low byte of each UTF-16 unit. */
export function latin1Encode(s: string): Uint8Array {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
    return out;
}
