import { createSync } from 'nango';
import type { ProxyConfiguration } from 'nango';
import * as z from 'zod';
import { toIssue, type GithubIssueResponse } from '../helpers/mappers';

const GithubIssue = z.object({
    id: z.string(),
    number: z.number(),
    title: z.string(),
    state: z.string(),
    author: z.string(),
    labels: z.array(z.string())
});

export default createSync({
    description: 'Fetches the issues of a repository and keeps them fresh from webhooks',
    version: '1.0.0',
    frequency: 'every 30m',
    autoStart: true,
    syncType: 'full',
    endpoints: [{ method: 'GET', path: '/issues', group: 'Issues' }],
    scopes: ['repo'],
    models: { GithubIssue },
    metadata: z.object({ owner: z.string(), repo: z.string() }),
    webhookSubscriptions: ['issues'],

    exec: async (nango) => {
        const { owner, repo } = await nango.getMetadata();
        const proxyConfig: ProxyConfiguration = {
            endpoint: `/repos/${owner}/${repo}/issues`,
            params: { state: 'all' },
            paginate: {
                type: 'link',
                link_rel_in_response_header: 'next',
                limit: 2,
                limit_name_in_request: 'per_page'
            }
        };
        for await (const issues of nango.paginate<GithubIssueResponse>(proxyConfig)) {
            const onlyIssues = issues.filter((issue) => !issue.pull_request);
            await nango.batchSave(onlyIssues.map(toIssue), 'GithubIssue');
        }
    },

    onWebhook: async (nango, payload) => {
        if (payload.action === 'deleted') {
            await nango.batchDelete([{ id: String(payload.issue.id) }], 'GithubIssue');
            await nango.log(`Webhook: issue #${payload.issue.number} deleted`);
            return;
        }
        await nango.batchSave([toIssue(payload.issue)], 'GithubIssue');
        await nango.log(`Webhook: issue #${payload.issue.number} ${payload.action}`);
    }
});
