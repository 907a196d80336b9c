import { createSync } from 'nango';
import { z } from 'zod';

// https://docs.github.com/en/rest/issues/issues#list-repository-issues

const GithubIssue = z.object({
    id: z.string(),
    number: z.number(),
    title: z.string(),
    state: z.enum(['open', 'closed']),
    author: z.string().nullable(),
    labels: z.array(z.string()),
    url: z.string(),
    createdAt: z.string(),
    updatedAt: z.string()
});

export default createSync({
    description: 'Fetches the issues of the repository the connection metadata names',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    syncType: 'incremental',
    endpoints: [{ method: 'GET', path: '/issues', group: 'Issues' }],
    scopes: ['repo'],
    models: { GithubIssue },
    metadata: z.object({ owner: z.string(), repo: z.string() }),
    checkpoint: z.object({ updatedAfter: z.string() }),

    exec: async (nango) => {
        const { owner, repo } = await nango.getMetadata();
        const checkpoint = await nango.getCheckpoint();

        let newest = checkpoint?.updatedAfter ?? '';
        // No paging settings here: the provider's defaults (providers.yaml)
        // follow GitHub's Link header.
        for await (const page of nango.paginate({
            endpoint: `/repos/${owner}/${repo}/issues`,
            params: { state: 'all', ...(checkpoint && { since: checkpoint.updatedAfter }) },
            paginate: { limit: 100 },
            retries: 3
        })) {
            // The issues API lists pull requests too.
            const issues = page.filter((issue) => !issue.pull_request).map(toIssue);
            await nango.batchSave(issues, 'GithubIssue');
            for (const issue of issues) {
                if (issue.updatedAt > newest) newest = issue.updatedAt;
            }
        }
        if (newest) {
            await nango.saveCheckpoint({ updatedAfter: newest });
        }
    }
});

function toIssue(issue: any): z.infer<typeof GithubIssue> {
    return {
        id: String(issue.id),
        number: issue.number,
        title: issue.title,
        state: issue.state,
        author: issue.user?.login ?? null,
        labels: issue.labels.map((label: { name: string }) => label.name),
        url: issue.html_url,
        createdAt: issue.created_at,
        updatedAt: issue.updated_at
    };
}
