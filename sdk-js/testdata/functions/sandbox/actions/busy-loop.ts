import { createAction } from 'nango';
import * as z from 'zod';

export default createAction({
    description: 'Never returns',
    version: '1.0.0',
    input: z.object({}),
    output: z.object({ done: z.boolean() }),

    exec: async () => {
        while (true) {}
    }
});
