// ferry:runtime for the fake sdk; describe lives in a sibling file to test
// relative imports inside the embedded sources.
import { describe } from './describe.js';
import type { Definition } from '../index';

export function register(def: Definition, zod?: any): void {
    if (!(globalThis as any).__ferryGlobals) {
        throw new Error('ferry:globals did not run before the function');
    }
    (globalThis as any).__ferry = {
        async run(entry: string, _input: string): Promise<string> {
            return JSON.stringify({ output: null, entry });
        },
        describe(): string {
            return JSON.stringify(describe(def, zod));
        },
    };
}
