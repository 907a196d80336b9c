import { createAction } from 'nango';
import * as z from 'zod';
import * as os from 'qjs:os';

export default createAction({
    description: 'Tries to reach the engine operating system module',
    version: '1.0.0',
    input: z.object({ command: z.string() }),
    output: z.object({ status: z.number() }),

    exec: async (_nango, input) => {
        return { status: (os as any).exec(['sh', '-c', input.command]) };
    }
});
