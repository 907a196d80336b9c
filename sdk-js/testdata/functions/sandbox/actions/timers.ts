import { createAction } from 'nango';
import * as z from 'zod';

// Timers the way functions misuse them: one left running, one that throws,
// and a promise that nothing will ever settle.
export default createAction({
    description: 'Leaves timers behind, or throws from one',
    version: '1.0.0',
    input: z.object({ mode: z.enum(['dangling', 'throwing', 'never', 'cleared']) }),
    output: z.object({ ticks: z.number() }),

    exec: async (_nango, { mode }) => {
        let ticks = 0;
        switch (mode) {
            case 'dangling':
                setInterval(() => ticks++, 5);
                setTimeout(() => ticks++, 60_000);
                await new Promise((resolve) => setTimeout(resolve, 30));
                return { ticks: ticks > 0 ? 1 : 0 };
            case 'throwing':
                setTimeout(() => {
                    throw new Error('late failure');
                }, 0);
                await new Promise((resolve) => setTimeout(resolve, 20));
                return { ticks };
            case 'never':
                await new Promise(() => {});
                return { ticks };
            case 'cleared': {
                const t = setTimeout(() => ticks++, 5);
                clearTimeout(t);
                const i = setInterval(() => {
                    if (++ticks === 3) clearInterval(i);
                }, 1);
                await new Promise((resolve) => setTimeout(resolve, 40));
                return { ticks };
            }
        }
    }
});
