import { createAction } from 'nango';
import * as z from 'zod';

// echo answers its input; some inputs make it fail on purpose.
export default createAction({
    description: 'Echoes its input, or fails as asked',
    version: '1.2.0',
    input: z.object({ text: z.string(), size: z.number().optional(), url: z.string().optional() }),
    output: z.object({ text: z.string(), connection: z.string(), padding: z.string().optional() }),

    exec: async (nango, input) => {
        if (input.text === 'refuse') {
            throw new nango.ActionError({ message: 'refused on purpose', reason: 'test' });
        }
        if (input.text === 'upstream') {
            const res = await nango.get({ endpoint: '/fail', baseUrlOverride: input.url, retries: 0 });
            return { text: String(res.status), connection: nango.connectionId };
        }
        if (input.text === 'slow') {
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
        return { text: input.text, connection: nango.connectionId, padding: input.size ? 'x'.repeat(input.size) : undefined };
    }
});
