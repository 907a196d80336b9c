/**
 * ferry:runtime — the in-engine runtime. register(def) sets
 * globalThis.__ferry = { run, describe } (docs/JS.md) for the function
 * the bundle defines; the compile-time build passes zod too, so that
 * describe can turn schemas into JSON Schema.
 */

import { describe, type ZodNamespace } from './describe';
import { type Entry, run } from './run';

/** Ferry is globalThis.__ferry. */
export interface Ferry {
    run(entry: Entry, input: string): Promise<string>;
    describe(): string;
}

/** register installs globalThis.__ferry for def and returns it. */
export function register(def: unknown, zod?: ZodNamespace): Ferry {
    const ferry: Ferry = {
        run: (entry, input) => run(def, entry, input),
        describe: () => describe(def, zod),
    };
    Object.defineProperty(globalThis, '__ferry', { value: ferry, writable: true, configurable: true, enumerable: false });
    return ferry;
}

export type { Entry } from './run';
export type { ZodNamespace } from './describe';
