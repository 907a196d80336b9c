import { createAction } from 'nango';
import * as os from 'qjs:os';

export default createAction({ description: 'reaches for the engine', exec: async () => os.getenv('HOME') });
