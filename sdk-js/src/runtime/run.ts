/**
 * run: one execution of an entry point (docs/JS.md). It reseeds
 * Math.random, builds a fresh nango object, calls the definition, checks
 * an action's input and output with its zod schemas, and always resolves
 * to the result JSON — it never rejects.
 */

import { base64Decode } from '../globals/base64';
import { installRandom, seedRandom } from '../globals/random';
import { clearTimers, takeUncaught } from '../globals/timers';
import { hostCall } from '../shared/host';
import { FerryAction } from './action';
import { type Definition, checkDefinition } from './definition';
import { codedError, encodeError, encodeOutput } from './result';
import { FerrySync } from './sync';
import { type ZodSchemaLike, isZodSchema, zodValidate } from './zod';

/** Entry is an entry point name. */
export type Entry = 'sync' | 'action' | 'on_webhook' | 'on_event';

const ENTRY_KIND: Record<Entry, Definition['type']> = { sync: 'sync', on_webhook: 'sync', action: 'action', on_event: 'onEvent' };

let fallbackSeed = 0;

/** reseed seeds Math.random from the host's randomness (16 bytes), or the clock if that fails. */
function reseed(): void {
    let bytes: Uint8Array;
    try {
        bytes = base64Decode(hostCall<{ bytes: string }>('random_bytes', { size: 16 }).bytes);
    } catch {
        // No host randomness (a test harness): the clock and a counter still differ per run.
        bytes = new Uint8Array(16);
        const view = new DataView(bytes.buffer);
        view.setFloat64(0, Date.now());
        view.setFloat64(8, ++fallbackSeed);
    }
    seedRandom(bytes);
    installRandom();
}

function parseInput(input: string): unknown {
    if (input === '' || input === undefined || input === null) return undefined;
    try {
        return JSON.parse(input);
    } catch (err) {
        throw codedError('invalid_input', `the input is not JSON: ${(err as Error).message}`);
    }
}

async function validate(code: 'invalid_input' | 'invalid_output', what: string, schema: unknown, value: unknown): Promise<unknown> {
    if (!isZodSchema(schema)) return value;
    const res = await zodValidate(schema as ZodSchemaLike, value);
    if (!res.ok) throw codedError(code, `the ${what} does not match the action's ${what} schema: ${res.message}`);
    return res.data;
}

async function dispatch(def: unknown, entry: Entry, input: string): Promise<unknown> {
    if (!Object.prototype.hasOwnProperty.call(ENTRY_KIND, entry)) throw codedError('invalid_request', `unknown entry point ${JSON.stringify(entry)}`);
    const d = checkDefinition(def);
    if (ENTRY_KIND[entry] !== d.type) throw codedError('invalid_request', `entry point ${entry} cannot run a ${d.type} function`);
    switch (entry) {
        case 'sync':
            await d.exec(new FerrySync('sync', d.trackDeletes === true));
            return null;
        case 'on_webhook': {
            if (typeof d.onWebhook !== 'function') throw new Error('this sync has no onWebhook handler');
            await d.onWebhook(new FerrySync('webhook', d.trackDeletes === true), parseInput(input));
            return null;
        }
        case 'on_event':
            await d.exec(new FerryAction('on-event'));
            return null;
        case 'action': {
            const parsed = await validate('invalid_input', 'input', d.input, parseInput(input));
            const output = await d.exec(new FerryAction('action'), parsed);
            return validate('invalid_output', 'output', d.output, output);
        }
    }
}

/**
 * run executes entry with input (JSON text, "" for none) and resolves to
 * the result JSON. When the entry point settles, timers it left pending
 * are cleared; an exception a timer callback threw fails the execution.
 */
export async function run(def: unknown, entry: Entry, input: string): Promise<string> {
    takeUncaught(); // an earlier execution's, in a test harness reusing the context
    try {
        reseed();
        const output = await dispatch(def, entry, input);
        const thrown = takeUncaught();
        if (thrown) throw uncaughtError(thrown.error);
        return encodeOutput(output);
    } catch (err) {
        const thrown = takeUncaught();
        return encodeError(thrown ? uncaughtError(thrown.error) : err);
    } finally {
        clearTimers();
    }
}

/** uncaughtError names an exception no code caught: a timer callback's. */
function uncaughtError(err: unknown): Error {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = `uncaught exception in a timer callback: ${e.message}`;
    return e;
}
