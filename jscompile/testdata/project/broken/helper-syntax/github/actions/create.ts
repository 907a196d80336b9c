import { createAction } from 'nango';
import { broken } from '../lib/broken.js';

export default createAction({ description: 'imports a broken helper', exec: async () => broken });
