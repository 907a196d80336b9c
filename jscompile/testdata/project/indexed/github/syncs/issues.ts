import { createSync } from 'nango';
import * as z from 'zod';

export default createSync({
    description: 'listed in index.ts',
    frequency: 'every day',
    models: { Issue: z.object({ id: z.string() }) },
    exec: async () => {},
});
