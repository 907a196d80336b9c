import { createAction } from 'nango';
import * as z from 'zod';

export default createAction({
    description: 'Chooses the channel the connection posts to',
    version: '1.0.0',
    endpoint: { method: 'POST', path: '/configure', group: 'Settings' },
    input: z.object({ channel: z.string(), notify: z.boolean() }),
    output: z.object({
        before: z.record(z.string(), z.unknown()),
        after: z.record(z.string(), z.unknown())
    }),
    metadata: z.object({ channel: z.string(), notify: z.boolean().optional(), configuredBy: z.string().optional() }),

    exec: async (nango, input) => {
        const before = await nango.getMetadata();
        await nango.setMetadata({ channel: input.channel });
        await nango.updateMetadata({ notify: input.notify, configuredBy: 'ferry' });
        const after = await nango.getMetadata();
        return { before, after };
    }
});
