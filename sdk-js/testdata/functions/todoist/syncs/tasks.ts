import { createSync } from 'nango';
import * as z from 'zod';

const Task = z.object({
    id: z.string(),
    content: z.string(),
    done: z.boolean(),
    projectId: z.string()
});

interface TodoistTask {
    id: string;
    content: string;
    is_completed: boolean;
    project_id: string;
}

export default createSync({
    description: 'Fetches every active Todoist task; tasks gone upstream are deleted',
    version: '1.0.0',
    frequency: 'every day',
    autoStart: true,
    syncType: 'full',
    endpoints: [{ method: 'GET', path: '/tasks', group: 'Tasks' }],
    models: { Task },

    exec: async (nango) => {
        await nango.trackDeletesStart('Task');

        const response = await nango.get<TodoistTask[]>({ endpoint: '/rest/v2/tasks' });
        const tasks = response.data.map((task) => ({
            id: task.id,
            content: task.content,
            done: task.is_completed,
            projectId: task.project_id
        }));
        await nango.batchSave(tasks, 'Task');

        const { deletedKeys } = await nango.trackDeletesEnd('Task');
        await nango.log(`Deleted ${deletedKeys.length} tasks that are gone upstream`, { deletedKeys });
    }
});
