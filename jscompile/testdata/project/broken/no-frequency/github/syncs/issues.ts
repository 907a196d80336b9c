import { createSync } from 'nango';
import * as z from 'zod';

export default createSync({
    description: 'a sync that never says when to run',
    models: { Issue: z.object({ id: z.string() }) },
    exec: async () => {},
});
