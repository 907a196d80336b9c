import { createSync } from 'nango';
import { z } from 'zod';

// https://api.slack.com/methods/conversations.list

const SlackChannel = z.object({
    id: z.string(),
    name: z.string(),
    isPrivate: z.boolean(),
    isGeneral: z.boolean(),
    isMember: z.boolean(),
    isShared: z.boolean(),
    memberCount: z.number().nullable(),
    topic: z.string(),
    purpose: z.string(),
    creatorId: z.string().nullable(),
    createdAt: z.string()
});

type SlackChannel = z.infer<typeof SlackChannel>;

interface SlackChannelResponse {
    id: string;
    name: string;
    created: number;
    creator?: string;
    is_private: boolean;
    is_general?: boolean;
    is_member?: boolean;
    is_shared?: boolean;
    is_ext_shared?: boolean;
    num_members?: number;
    topic?: { value: string };
    purpose?: { value: string };
}

export default createSync({
    description: 'Fetches the public and private channels of the workspace; channels archived or gone since the last run are deleted',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    syncType: 'full',
    endpoints: [{ method: 'GET', path: '/channels', group: 'Channels' }],
    scopes: ['channels:read', 'groups:read'],
    models: { SlackChannel },

    exec: async (nango) => {
        await nango.trackDeletesStart('SlackChannel');

        let count = 0;
        // The provider's defaults page with response_metadata.next_cursor;
        // the channels are under `channels`.
        for await (const channels of nango.paginate<SlackChannelResponse>({
            endpoint: 'conversations.list',
            params: { types: 'public_channel,private_channel', exclude_archived: 'true' },
            paginate: { response_path: 'channels', limit: 200 },
            retries: 3
        })) {
            await nango.batchSave(channels.map(toChannel), 'SlackChannel');
            count += channels.length;
        }

        const { deletedKeys } = await nango.trackDeletesEnd('SlackChannel');
        await nango.log(`${count} channels, ${deletedKeys.length} archived or deleted since the last run`, { deletedKeys });
    }
});

function toChannel(c: SlackChannelResponse): SlackChannel {
    return {
        id: c.id,
        name: c.name,
        isPrivate: c.is_private,
        isGeneral: c.is_general ?? false,
        isMember: c.is_member ?? false,
        isShared: Boolean(c.is_shared || c.is_ext_shared),
        memberCount: c.num_members ?? null,
        topic: c.topic?.value ?? '',
        purpose: c.purpose?.value ?? '',
        creatorId: c.creator || null,
        createdAt: new Date(c.created * 1000).toISOString()
    };
}
