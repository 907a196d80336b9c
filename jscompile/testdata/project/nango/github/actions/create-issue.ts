import { createAction, type NangoAction } from 'nango';
import { z } from 'zod';
import crypto from 'node:crypto';
import { URL } from 'url';

export default createAction({
    description: 'Creates an issue',
    endpoints: [{ method: 'POST', path: '/issues' }],
    input: z.object({ title: z.string().min(1), body: z.string().optional() }),
    output: z.object({ id: z.string(), url: z.string() }),
    scopes: ['repo'],

    exec: async (nango: NangoAction, input: { title: string; body?: string }) => {
        const res = await (nango as any).post({ endpoint: '/issues', data: { ...input, nonce: crypto.randomUUID() } });
        return { id: String(res.data.id), url: new URL(res.data.html_url).toString() };
    },
});
