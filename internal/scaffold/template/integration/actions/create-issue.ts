import { createAction } from 'nango';
import { z } from 'zod';

// https://docs.github.com/en/rest/issues/issues#create-an-issue

export default createAction({
    description: 'Opens an issue in the repository the connection metadata names',
    version: '1.0.0',
    endpoint: { method: 'POST', path: '/issues', group: 'Issues' },
    input: z.object({
        title: z.string().min(1),
        body: z.string().optional(),
        labels: z.array(z.string()).optional()
    }),
    output: z.object({
        id: z.string(),
        number: z.number(),
        url: z.string()
    }),
    metadata: z.object({ owner: z.string(), repo: z.string() }),
    scopes: ['repo'],

    exec: async (nango, input) => {
        const { owner, repo } = await nango.getMetadata();
        try {
            const response = await nango.post({
                endpoint: `/repos/${owner}/${repo}/issues`,
                data: input
            });
            await nango.log(`opened issue #${response.data.number}`);
            return { id: String(response.data.id), number: response.data.number, url: response.data.html_url };
        } catch (err: any) {
            // 410: the repository has issues turned off.
            if (err.response?.status === 410) {
                throw new nango.ActionError({ message: `${owner}/${repo} has issues disabled` });
            }
            throw err;
        }
    }
});
