import { createAction } from 'nango';

export default createAction({ description: 'does not parse', exec: async () => ({) });
