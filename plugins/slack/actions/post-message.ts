import { createAction } from 'nango';
import { z } from 'zod';

// https://api.slack.com/methods/chat.postMessage

const PostMessageInput = z.object({
    channel: z.string().describe('Channel, private group or DM id, e.g. "C08B4GJV9JU"'),
    text: z.string().min(1).describe('Message text (mrkdwn); the notification fallback when blocks are given'),
    threadTs: z.string().optional().describe('ts of the parent message, to reply in its thread'),
    blocks: z.array(z.record(z.string(), z.unknown())).optional().describe('Block Kit blocks'),
    unfurlLinks: z.boolean().optional()
});

const PostMessageOutput = z.object({
    // One opaque id for the message (Slack names a message by channel and
    // ts): pass it to actions that edit or delete messages.
    messageId: z.string(),
    channel: z.string(),
    ts: z.string(),
    threadTs: z.string().nullable()
});

interface SlackPostMessageResponse {
    ok: boolean;
    error?: string;
    warning?: string;
    channel?: string;
    ts?: string;
    message?: { ts: string; thread_ts?: string; text: string };
    response_metadata?: { messages?: string[] };
}

export default createAction({
    description: 'Posts a message to a channel, optionally in a thread',
    version: '1.0.0',
    endpoint: { method: 'POST', path: '/messages', group: 'Messages' },
    input: PostMessageInput,
    output: PostMessageOutput,
    scopes: ['chat:write'],

    exec: async (nango, input) => {
        const response = await nango.post<SlackPostMessageResponse>({
            endpoint: 'chat.postMessage',
            data: {
                channel: input.channel,
                text: input.text,
                ...(input.threadTs && { thread_ts: input.threadTs }),
                ...(input.blocks && { blocks: input.blocks }),
                ...(input.unfurlLinks !== undefined && { unfurl_links: input.unfurlLinks })
            },
            retries: 3
        });

        // Slack answers 200 even when it refuses: {"ok": false, "error": "not_in_channel"}.
        const data = response.data;
        if (!data.ok || !data.channel || !data.ts) {
            throw new nango.ActionError({
                code: data.error ?? 'slack_error',
                message: `Slack did not post the message: ${data.error ?? 'unknown error'}`,
                details: data.response_metadata?.messages ?? []
            });
        }
        if (data.warning) {
            await nango.log(`chat.postMessage warning: ${data.warning}`, { level: 'warn' });
        }

        return {
            messageId: Buffer.from(`${data.channel}:${data.ts}`).toString('base64'),
            channel: data.channel,
            ts: data.ts,
            threadTs: data.message?.thread_ts ?? null
        };
    }
});
