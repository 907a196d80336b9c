import { createSync } from 'nango';
import * as z from 'zod';

export default createSync({
    description: 'a model records cannot be saved with',
    frequency: 'every hour',
    models: { Issue: z.object({ title: z.string() }) },
    exec: async () => {},
});
