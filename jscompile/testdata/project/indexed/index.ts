// As in Nango: the functions to compile are the ones index.ts imports.
import './github/syncs/issues.js';
import type { Definition } from 'nango';
export { default as create } from './github/actions/create';

export type { Definition };
