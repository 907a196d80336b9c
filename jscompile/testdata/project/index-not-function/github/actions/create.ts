import { createAction } from 'nango';

export default createAction({ description: 'listed in index.ts', exec: async () => ({}) });
