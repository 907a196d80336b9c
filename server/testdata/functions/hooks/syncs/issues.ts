import { createSync } from 'nango';
import * as z from 'zod';

// issues keeps a copy of GitHub issues current from the `issues` webhooks
// of the connection's installation; its scheduled run does nothing.
export default createSync({
    description: 'Keeps issues current from GitHub webhooks',
    version: '1.0.0',
    frequency: 'every day',
    autoStart: false,
    webhookSubscriptions: ['issues'],
    models: { Issue: z.object({ id: z.string(), title: z.string(), action: z.string() }) },
    exec: async () => {},
    onWebhook: async (nango, payload) => {
        const event = payload as { action: string; issue: { id: number; title: string } };
        if (event.issue.title === 'fail') {
            throw new Error('refusing this issue on purpose');
        }
        await nango.batchSave([{ id: String(event.issue.id), title: event.issue.title, action: event.action }], 'Issue');
    }
});
