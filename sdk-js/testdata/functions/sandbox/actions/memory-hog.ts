import { createAction } from 'nango';
import * as z from 'zod';

export default createAction({
    description: 'Keeps every page it builds in memory',
    version: '1.0.0',
    input: z.object({}),
    output: z.object({ rows: z.number() }),

    exec: async () => {
        const rows: string[][] = [];
        while (true) {
            rows.push(new Array(100_000).fill('a row of data'));
        }
        return { rows: rows.length };
    }
});
