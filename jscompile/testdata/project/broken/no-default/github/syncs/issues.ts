import { createSync } from 'nango';
import * as z from 'zod';

export const issues = createSync({
    description: 'exported, but not as the default',
    frequency: 'every hour',
    models: { Issue: z.object({ id: z.string() }) },
    exec: async () => {},
});
