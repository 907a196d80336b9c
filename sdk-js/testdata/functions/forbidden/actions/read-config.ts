import { createAction } from 'nango';
import * as z from 'zod';
import { readFileSync } from 'fs';

export default createAction({
    description: 'Tries to read a file from disk',
    version: '1.0.0',
    input: z.object({ path: z.string() }),
    output: z.object({ contents: z.string() }),

    exec: async (_nango, input) => {
        return { contents: readFileSync(input.path, 'utf8') };
    }
});
