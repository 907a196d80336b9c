import { createSync } from 'nango';
import * as z from 'zod';

const Project = z.object({
    id: z.string(),
    name: z.string()
});

export default createSync({
    description: 'Fetches the Todoist projects',
    version: '1.0.0',
    frequency: 'every day',
    autoStart: true,
    syncType: 'full',
    models: { Project },

    exec: async (nango) => {
        const response = await nango.get({ endpoint: '/rest/v2/projects' });
        const projects = response.data.map((project: { id: string; name: string }) => ({ id: project.id, name: project.name }));
        // A typo in the model name: 'Projects' is not declared.
        await nango.batchSave(projects, 'Projects');
    }
});
