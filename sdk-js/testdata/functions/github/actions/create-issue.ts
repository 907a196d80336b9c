import { createAction } from 'nango';
import * as z from 'zod';

const CreateIssueInput = z.object({
    owner: z.string(),
    repo: z.string(),
    title: z.string().min(1),
    body: z.string().optional(),
    labels: z.array(z.string()).default([])
});

const CreateIssueOutput = z.object({
    number: z.number(),
    url: z.url(),
    title: z.string(),
    labels: z.array(z.string())
});

export default createAction({
    description: 'Creates an issue in a repository',
    version: '2.1.0',
    endpoint: { method: 'POST', path: '/issues', group: 'Issues' },
    input: CreateIssueInput,
    output: CreateIssueOutput,
    scopes: ['repo'],

    exec: async (nango, input) => {
        if (input.labels.includes('wontfix')) {
            throw new nango.ActionError({
                message: 'An issue cannot be created as wontfix',
                field: 'labels',
                rejected: input.labels
            });
        }
        const response = await nango.post({
            endpoint: `/repos/${input.owner}/${input.repo}/issues`,
            data: { title: input.title, body: input.body, labels: input.labels }
        });
        return {
            number: response.data.number,
            url: response.data.html_url,
            title: response.data.title,
            labels: response.data.labels.map((label: { name: string }) => label.name)
        };
    }
});
