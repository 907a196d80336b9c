/**
 * createSync, createAction and createOnEvent: they return the definition
 * with its type tag, exactly as Nango's do. The runtime (ferry:runtime)
 * validates and runs what they return.
 */

import type * as z from 'zod';
import type { MaybePromise, NangoAction, NangoSync, NangoSyncEndpointV2, ZodCheckpoint, ZodMetadata, ZodModel } from './types';

/** CreateSyncProps are the options of createSync (NANGO-COMPAT §B). */
export interface CreateSyncProps<TModels extends Record<string, ZodModel>, TMetadata extends ZodMetadata = undefined, TCheckpoint extends ZodCheckpoint = undefined> {
    /** @default '0.0.1' */
    version?: string;
    description: string;
    /** @deprecated endpoints are optional; one per model. */
    endpoints?: NangoSyncEndpointV2[];
    /** How often the sync runs, e.g. 'every hour', 'every 30m', 'every 2 days'. */
    frequency: string;
    models: TModels;
    /** @deprecated */
    syncType?: 'full' | 'incremental';
    /** @deprecated use nango.trackDeletesStart/End */
    trackDeletes?: boolean;
    /** @default true */
    autoStart?: boolean;
    scopes?: string[];
    metadata?: TMetadata;
    checkpoint?: TCheckpoint;
    /** Webhook types onWebhook handles; ['*'] for all. */
    webhookSubscriptions?: string[];
    exec: (nango: NangoSync<TModels, TMetadata, TCheckpoint>) => MaybePromise<void>;
    onWebhook?: (nango: NangoSync<TModels, TMetadata, TCheckpoint>, payload: any) => MaybePromise<void>;
}

/** CreateSyncResponse is what createSync returns. */
export interface CreateSyncResponse<TModels extends Record<string, ZodModel>, TMetadata extends ZodMetadata = undefined, TCheckpoint extends ZodCheckpoint = undefined>
    extends CreateSyncProps<TModels, TMetadata, TCheckpoint> {
    type: 'sync';
}

/** createSync declares a sync. */
export function createSync<TModels extends Record<string, ZodModel>, TMetadata extends ZodMetadata = undefined, TCheckpoint extends ZodCheckpoint = undefined>(
    params: CreateSyncProps<TModels, TMetadata, TCheckpoint>,
): CreateSyncResponse<TModels, TMetadata, TCheckpoint> {
    return { type: 'sync', ...params };
}

/** CreateActionProps are the options of createAction (NANGO-COMPAT §B). */
export interface CreateActionProps<
    TInput extends z.ZodTypeAny,
    TOutput extends z.ZodTypeAny,
    TMetadata extends ZodMetadata = undefined,
    TCheckpoint extends ZodCheckpoint = undefined,
> {
    /** @default '0.0.1' */
    version?: string;
    description: string;
    /** @deprecated endpoints are optional. */
    endpoint?: NangoSyncEndpointV2;
    input: TInput;
    output: TOutput;
    metadata?: TMetadata;
    checkpoint?: TCheckpoint;
    scopes?: string[];
    exec: (nango: NangoAction<TMetadata, TCheckpoint>, input: z.infer<TInput>) => MaybePromise<z.infer<TOutput>>;
}

/** CreateActionResponse is what createAction returns. */
export interface CreateActionResponse<
    TInput extends z.ZodTypeAny,
    TOutput extends z.ZodTypeAny,
    TMetadata extends ZodMetadata = undefined,
    TCheckpoint extends ZodCheckpoint = undefined,
> extends CreateActionProps<TInput, TOutput, TMetadata, TCheckpoint> {
    type: 'action';
}

/** createAction declares an action. */
export function createAction<TInput extends z.ZodTypeAny, TOutput extends z.ZodTypeAny, TMetadata extends ZodMetadata = undefined, TCheckpoint extends ZodCheckpoint = undefined>(
    params: CreateActionProps<TInput, TOutput, TMetadata, TCheckpoint>,
): CreateActionResponse<TInput, TOutput, TMetadata, TCheckpoint> {
    return { type: 'action', ...params };
}

/** OnEventName is a connection lifecycle event. */
export type OnEventName = 'post-connection-creation' | 'pre-connection-deletion' | 'validate-connection';

/** CreateOnEventProps are the options of createOnEvent (NANGO-COMPAT §B). */
export interface CreateOnEventProps<TMetadata extends ZodMetadata = undefined, TCheckpoint extends ZodCheckpoint = undefined> {
    /** @default '0.0.1' */
    version?: string;
    description: string;
    event: OnEventName;
    metadata?: TMetadata;
    checkpoint?: TCheckpoint;
    exec: (nango: NangoAction<TMetadata, TCheckpoint>) => MaybePromise<void>;
}

/** CreateOnEventResponse is what createOnEvent returns; its tag is Nango's 'onEvent'. */
export interface CreateOnEventResponse<TMetadata extends ZodMetadata = undefined, TCheckpoint extends ZodCheckpoint = undefined>
    extends CreateOnEventProps<TMetadata, TCheckpoint> {
    type: 'onEvent';
}

/** createOnEvent declares an on-event function. */
export function createOnEvent<TMetadata extends ZodMetadata = undefined, TCheckpoint extends ZodCheckpoint = undefined>(
    params: CreateOnEventProps<TMetadata, TCheckpoint>,
): CreateOnEventResponse<TMetadata, TCheckpoint> {
    return { type: 'onEvent', ...params };
}

/** CreateAnyResponse is any definition. */
export type CreateAnyResponse =
    | CreateSyncResponse<any, any, any>
    | CreateActionResponse<any, any, any, any>
    | CreateOnEventResponse<any, any>;
