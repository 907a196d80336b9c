import { createAction } from 'nango';
import * as os from 'qjs:os';
import fs from 'fs';
import { helper } from './missing.js';

export default createAction({ description: 'x', exec: async () => ({ os, fs, helper }) });
