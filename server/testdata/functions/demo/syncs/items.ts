import { createSync } from 'nango';
import * as z from 'zod';

export default createSync({
    description: 'Saves nothing',
    version: '0.1.0',
    frequency: 'every hour',
    models: { Item: z.object({ id: z.string() }) },
    exec: async (nango) => {
        await nango.batchSave([], 'Item');
    }
});
