import { createSync } from 'nango';
import * as z from 'zod';

const SlackMessage = z.object({
    id: z.string(),
    channel: z.string(),
    ts: z.string(),
    text: z.string(),
    user: z.string()
});

interface SlackHistoryMessage {
    ts: string;
    text: string;
    user: string;
}

export default createSync({
    description: 'Fetches the messages of a channel, from where the last run stopped',
    version: '1.0.0',
    frequency: 'every 30m',
    autoStart: true,
    syncType: 'incremental',
    endpoints: [{ method: 'GET', path: '/messages', group: 'Messages' }],
    scopes: ['channels:history'],
    models: { SlackMessage },
    metadata: z.object({ channel: z.string(), fullResync: z.boolean().optional() }),
    checkpoint: z.object({ latestTs: z.string(), runs: z.number() }),

    exec: async (nango) => {
        const metadata = await nango.getMetadata();
        if (metadata.fullResync) {
            await nango.clearCheckpoint();
            await nango.updateMetadata({ fullResync: false });
        }

        const checkpoint = await nango.getCheckpoint();
        const params: Record<string, string | number> = { channel: metadata.channel, limit: 200 };
        if (checkpoint) {
            params['oldest'] = checkpoint.latestTs;
        }
        const response = await nango.get({ endpoint: '/conversations.history', params });
        const messages: SlackHistoryMessage[] = response.data.messages;

        await nango.batchSave(
            messages.map((m) => ({ id: `${metadata.channel}-${m.ts}`, channel: metadata.channel, ts: m.ts, text: m.text, user: m.user })),
            'SlackMessage'
        );
        if (messages.length > 0) {
            await nango.saveCheckpoint({ latestTs: messages[0]!.ts, runs: (checkpoint?.runs ?? 0) + 1 });
        }
    }
});
