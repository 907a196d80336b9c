import { createAction } from 'nango';
import * as z from 'zod';

let invocations = 0;

export default createAction({
    description: 'Remembers who called it last, in a global',
    version: '1.0.0',
    input: z.object({ caller: z.string() }),
    output: z.object({ previousCaller: z.string().nullable(), invocations: z.number() }),

    exec: async (_nango, input) => {
        invocations++;
        const g = globalThis as { lastCaller?: string };
        const previousCaller = g.lastCaller ?? null;
        g.lastCaller = input.caller;
        return { previousCaller, invocations };
    }
});
