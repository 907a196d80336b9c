import { createSync } from 'nango';
import * as z from 'zod';
import { toIssue, type GithubIssueResponse } from '../mappers/issue.js';

const GithubIssue = z.object({
    id: z.string(),
    title: z.string(),
    state: z.enum(['open', 'closed']),
    labels: z.array(z.string()),
});

export default createSync({
    description: 'Fetches the issues of a repository',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    syncType: 'incremental',
    endpoints: [{ method: 'GET', path: '/issues', group: 'Issues' }],
    models: { GithubIssue },
    metadata: z.object({ owner: z.string(), repo: z.string() }),
    webhookSubscriptions: ['issues'],

    exec: async (nango: any) => {
        const { owner, repo } = await nango.getMetadata();
        for await (const page of nango.paginate<GithubIssueResponse>({ endpoint: `/repos/${owner}/${repo}/issues` })) {
            await nango.batchSave(page.map(toIssue), 'GithubIssue');
        }
    },

    onWebhook: async (nango: any, payload: unknown) => {
        await nango.log('webhook', payload);
    },
});
