/**
 * node:buffer — Buffer (ferry's, see globals/buffer.ts), atob, btoa and
 * the constants code reads.
 */

import { atob, btoa } from '../globals/base64';
import { Buffer } from '../globals/buffer';

/** kMaxLength is the largest Buffer ferry allows. */
export const kMaxLength = 2 ** 32;
/** kStringMaxLength is the longest string a Buffer decodes to. */
export const kStringMaxLength = 2 ** 29 - 24;
/** constants are Node's buffer constants. */
export const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };
/** INSPECT_MAX_BYTES is how many bytes console output shows. */
export const INSPECT_MAX_BYTES = 50;

export { Buffer, atob, btoa };
export type { BufferEncoding } from '../globals/codecs';

export default { Buffer, atob, btoa, constants, kMaxLength, kStringMaxLength, INSPECT_MAX_BYTES };
