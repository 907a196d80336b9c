/**
 * ferry:runtime — the in-engine runtime. register(def) sets
 * globalThis.__ferry = { run, describe } (docs/JS.md) for the function
 * the bundle defines; the compile-time build passes zod too, so that
 * describe can turn schemas into JSON Schema.
 */

import { describe, type ZodNamespace } from './describe';
import { type Entry, run } from './run';
import { warmSchemas } from './zod';

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
    if (typeof def === 'object' && def !== null) {
        const d = def as Record<string, unknown>;
        const models = typeof d.models === 'object' && d.models !== null ? Object.values(d.models) : [];
        warmSchemas([d.input, d.output, d.metadata, d.checkpoint, ...models]);
    }
    return ferry;
}

export type { Entry } from './run';
export type { ZodNamespace } from './describe';
