// A small action, the subject of BenchmarkJSAction: zod validates its
// input and output; it shapes one record and draws a UUID from the host.
import { createAction } from 'nango';
import { z } from 'zod';

const Input = z.object({
    title: z.string().min(1),
    labels: z.array(z.string()).default([])
});

const Output = z.object({
    id: z.string().uuid(),
    title: z.string(),
    slug: z.string(),
    labels: z.array(z.string())
});

export default createAction({
    description: 'Shapes an issue from a title and labels',
    version: '1.0.0',
    input: Input,
    output: Output,
    exec: async (_nango, input) => {
        const slug = input.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
        return { id: crypto.randomUUID(), title: input.title.trim(), slug, labels: input.labels.map((l) => l.trim()) };
    }
});
