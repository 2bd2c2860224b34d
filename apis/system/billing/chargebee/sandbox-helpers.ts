// Shared pieces of the Chargebee sandbox's route handlers: the API prefix, id rules, JSON and error responses.
import { randomBytes } from 'node:crypto';
import { chargebeeError } from './sandbox-faults.js';

export const API = '/api/v2';
const JSON_TYPE = 'application/json;charset=utf-8';
export const ID = /^[A-Za-z0-9._@-]{1,50}$/;
export const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE } });
export const notFound = (param?: string) =>
  chargebeeError(404, 'resource_not_found', 'invalid_request', param ? `${param} : Referenced resource is not present.` : "Sorry, we couldn't find that resource", param ? { param } : {});
export const invalidState = (message: string) => chargebeeError(409, 'invalid_state_for_request', 'invalid_request', message);
export const duplicateEntry = (id: string) => chargebeeError(400, 'duplicate_entry', 'invalid_request', `id : The value ${id} is already present.`, { param: 'id' });
export const resourceLimitExceeded = () => chargebeeError(400, 'resource_limit_exceeded', 'invalid_request', 'The sandbox site holds as many records as it may.');

/** Chargebee-style generated ids (`AzZj5cTdW1f5a3lA`). */
export const generatedId = () => `AzZ${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;

/** `{ key: value }` when the value is there, `{}` otherwise. */
export const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
