/**
 * ferry:globals — the Node-ish globals QuickJS lacks, installed before user
 * code runs (docs/JS.md): URL, URLSearchParams, TextEncoder, TextDecoder,
 * Buffer, atob, btoa, structuredClone, DOMException, crypto
 * (getRandomValues, randomUUID), console (→ the `log` capability) and a
 * reseedable Math.random. An existing global is kept, except console and
 * Math.random, which are always ferry's. Timers are the engine's, wrapped
 * (timers.ts) so that an execution's leftovers can be cleared.
 *
 * Importing this module installs them; its exports are the
 * implementations, for the runtime and node:* modules.
 */

import { atob, btoa } from './base64';
import { Buffer } from './buffer';
import { structuredClone } from './clone';
import { createConsole } from './console';
import { webcrypto } from './crypto';
import { DOMException } from './domexception';
import { TextDecoder, TextEncoder } from './encoding';
import { installRandom } from './random';
import { installTimers } from './timers';
import { URLSearchParams } from './searchparams';
import { URL } from './url';

const g = globalThis as Record<string, unknown>;

function define(name: string, value: unknown, always = false): void {
    if (!always && g[name] !== undefined) return;
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

/** installGlobals puts ferry's globals on globalThis; it is idempotent. */
export function installGlobals(): void {
    define('global', globalThis);
    define('URL', URL);
    define('URLSearchParams', URLSearchParams);
    define('TextEncoder', TextEncoder);
    define('TextDecoder', TextDecoder);
    define('Buffer', Buffer);
    define('atob', atob);
    define('btoa', btoa);
    define('structuredClone', structuredClone);
    define('DOMException', DOMException);
    define('crypto', webcrypto);
    if (typeof g.queueMicrotask !== 'function') {
        define('queueMicrotask', (cb: () => void) => void Promise.resolve().then(cb));
    }
    define('console', createConsole(), true);
    installRandom();
    installTimers();
}

installGlobals();

export { seedRandom } from './random';
export { URL, URLSearchParams, TextEncoder, TextDecoder, Buffer, atob, btoa, structuredClone, DOMException, webcrypto };
