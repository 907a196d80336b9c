/**
 * TextEncoder and TextDecoder (WHATWG Encoding): UTF-8 both ways, and
 * decoding from utf-16le and windows-1252 (the "latin1"/"ascii" labels).
 */

import { Utf8Decoder, latin1Decode, utf8Encode, utf8EncodeInto } from './utf8';

/** TextEncoder encodes strings as UTF-8. */
export class TextEncoder {
    /** encoding is always "utf-8". */
    get encoding(): string {
        return 'utf-8';
    }

    /** encode returns the UTF-8 of input. */
    encode(input = ''): Uint8Array {
        return utf8Encode(String(input));
    }

    /** encodeInto writes as much of source as fits into destination. */
    encodeInto(source: string, destination: Uint8Array): { read: number; written: number } {
        return utf8EncodeInto(String(source), destination);
    }
}

const LABELS: Record<string, string> = {
    'utf-8': 'utf-8',
    utf8: 'utf-8',
    'unicode-1-1-utf-8': 'utf-8',
    'unicode11utf8': 'utf-8',
    'unicode20utf8': 'utf-8',
    'x-unicode20utf8': 'utf-8',
    'utf-16le': 'utf-16le',
    'utf-16': 'utf-16le',
    ucs2: 'utf-16le',
    'ucs-2': 'utf-16le',
    latin1: 'windows-1252',
    'iso-8859-1': 'windows-1252',
    'iso8859-1': 'windows-1252',
    'us-ascii': 'windows-1252',
    ascii: 'windows-1252',
    'windows-1252': 'windows-1252',
    'l1': 'windows-1252',
};

type Source = ArrayBuffer | ArrayBufferView | SharedArrayBuffer;

function toBytes(input: Source | undefined): Uint8Array {
    if (input === undefined) return new Uint8Array(0);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && input instanceof SharedArrayBuffer)) {
        return new Uint8Array(input);
    }
    throw new TypeError('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView');
}

/** WIN1252 holds the code points of bytes 0x80–0x9F in windows-1252 (the rest are latin1). */
const WIN1252 = [
    0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
    0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function windows1252Decode(bytes: Uint8Array): string {
    let s = latin1Decode(bytes);
    if (/[\x80-\x9f]/.test(s)) s = s.replace(/[\x80-\x9f]/g, (c) => String.fromCharCode(WIN1252[c.charCodeAt(0) - 0x80]));
    return s;
}

/** TextDecoder decodes bytes as utf-8 (default), utf-16le or latin1. */
export class TextDecoder {
    readonly encoding: string;
    readonly fatal: boolean;
    readonly ignoreBOM: boolean;
    #utf8: Utf8Decoder;
    #bomSeen = false;
    #pending: number[] = [];

    constructor(label = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
        const enc = LABELS[String(label).trim().toLowerCase()];
        if (!enc) {
            const err = new RangeError(`The "${label}" encoding is not supported`);
            (err as RangeError & { code: string }).code = 'ERR_ENCODING_NOT_SUPPORTED';
            throw err;
        }
        this.encoding = enc;
        this.fatal = Boolean(options.fatal);
        this.ignoreBOM = Boolean(options.ignoreBOM);
        this.#utf8 = new Utf8Decoder(this.fatal);
    }

    /** decode decodes input; with {stream: true} a character split across calls is kept for the next. */
    decode(input?: Source, options: { stream?: boolean } = {}): string {
        const stream = Boolean(options.stream);
        let bytes = toBytes(input);
        let out: string;
        if (this.encoding === 'utf-8') {
            out = this.#utf8.decode(bytes, stream);
        } else if (this.encoding === 'utf-16le') {
            if (this.#pending.length) {
                const joined = new Uint8Array(this.#pending.length + bytes.length);
                joined.set(this.#pending);
                joined.set(bytes, this.#pending.length);
                bytes = joined;
                this.#pending = [];
            }
            const even = bytes.length & ~1;
            out = '';
            for (let i = 0; i < even; i += 2) out += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
            if (even < bytes.length) {
                if (stream) this.#pending = [bytes[even]];
                else if (this.fatal) throw new TypeError('The encoded data was not valid for encoding utf-16le');
                else out += '\ufffd';
            }
        } else {
            out = windows1252Decode(bytes);
        }
        if (!this.ignoreBOM && !this.#bomSeen && out.length > 0) {
            this.#bomSeen = true;
            if (out.charCodeAt(0) === 0xfeff && this.encoding !== 'windows-1252') out = out.slice(1);
        }
        if (!stream) this.#bomSeen = false;
        return out;
    }
}

// Keep the class names whatever a bundler renames the bindings to.
Object.defineProperty(TextEncoder, 'name', { value: 'TextEncoder' });
Object.defineProperty(TextDecoder, 'name', { value: 'TextDecoder' });
