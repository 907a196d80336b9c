import { createAction } from 'nango';
import * as z from 'zod';

function attempt(run: () => unknown): { ok: boolean; value: unknown; error: string | null } {
    try {
        return { ok: true, value: run(), error: null };
    } catch (err) {
        return { ok: false, value: null, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
}

export default createAction({
    description: 'Tries to evaluate code at run time',
    version: '1.0.0',
    input: z.object({}),
    output: z.record(z.string(), z.object({ ok: z.boolean(), value: z.unknown(), error: z.string().nullable() })),

    exec: async () => {
        return {
            eval: attempt(() => eval('1')),
            functionConstructor: attempt(() => new Function('return 1')()),
            asyncFunctionConstructor: attempt(() => Object.getPrototypeOf(async function () {}).constructor('return 1'))
        };
    }
});
