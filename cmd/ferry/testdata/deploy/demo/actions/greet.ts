import { createAction } from 'nango';
import * as z from 'zod';

// greet asks the API who is calling and greets them.
export default createAction({
    description: 'Greets whoever the API says is calling',
    version: '0.3.0',
    input: z.object({ name: z.string(), url: z.string() }),
    output: z.object({ greeting: z.string(), caller: z.string() }),

    exec: async (nango, input) => {
        const res = await nango.get<{ login: string }>({ endpoint: '/user', baseUrlOverride: input.url });
        return { greeting: `hello, ${input.name}`, caller: res.data.login };
    }
});
