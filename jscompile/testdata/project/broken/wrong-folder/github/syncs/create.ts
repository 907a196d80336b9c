import { createAction } from 'nango';

export default createAction({ description: 'an action among the syncs', exec: async () => ({}) });
