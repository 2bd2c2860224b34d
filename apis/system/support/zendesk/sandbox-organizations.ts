// The Zendesk sandbox's organization routes: search by external id or name, show, create, update (with Zendesk's 422s).
import type { Hono } from 'hono';
import { ZD_SUPPORT_TIER_FIELD } from '../../../../openapi/vendors/zendesk/types.js';
import { SUPPORT_TIER_OPTIONS, organizationWire, type StoredOrganization } from './sandbox-data.js';
import { recordInvalid, recordNotFound } from './sandbox-faults.js';
import { ID, badRequest, baseUrlOf, idParam, isObject, isStringArray, json, paths, readWrapped, type Field, type Json, type ZendeskSandboxState } from './sandbox-http.js';

export const registerOrganizationRoutes = (app: Hono, { clock, account }: ZendeskSandboxState): void => {
  const organizationNamed = (name: string, except?: number) =>
    [...account().organizations.values()].find((o) => o.id !== except && o.name.toLowerCase() === name.trim().toLowerCase());
  const organizationWithExternalId = (externalId: string, except?: number) =>
    [...account().organizations.values()].find((o) => o.id !== except && o.externalId !== null && o.externalId.toLowerCase() === externalId.toLowerCase());

  /** Applies the writable fields of an organization body; the 422 Zendesk would answer when one is invalid. */
  const applyOrganization = (input: Json, target: StoredOrganization | undefined): Response | ((org: StoredOrganization) => void) => {
    const errors: Record<string, [string, string][]> = {};
    const add = (field: string, error: string, description: string) => (errors[field] ??= []).push([error, description]);
    const except = target?.id;
    if ('name' in input || !target) {
      if (typeof input.name !== 'string' || input.name.trim() === '') add('name', 'BlankValue', 'Name: cannot be blank');
      else if (input.name.length > 255) add('name', 'InvalidValue', 'Name: is too long (maximum is 255 characters)');
      else if (organizationNamed(input.name, except)) add('name', 'DuplicateValue', 'Name: has already been taken');
    }
    if ('external_id' in input && input.external_id !== null) {
      if (typeof input.external_id !== 'string' || input.external_id.length > 255) add('external_id', 'InvalidValue', 'External: is invalid');
      else if (organizationWithExternalId(input.external_id, except)) add('external_id', 'DuplicateValue', 'External: has already been taken');
    }
    if ('domain_names' in input && !isStringArray(input.domain_names)) add('domain_names', 'InvalidValue', 'Domain names: is invalid');
    if ('tags' in input && !isStringArray(input.tags)) add('tags', 'InvalidValue', 'Tags: is invalid');
    const fields = input.organization_fields;
    if (fields !== undefined) {
      if (!isObject(fields)) add('organization_fields', 'InvalidValue', 'Organization fields: is invalid');
      else if (ZD_SUPPORT_TIER_FIELD in fields && fields[ZD_SUPPORT_TIER_FIELD] !== null && !SUPPORT_TIER_OPTIONS.includes(String(fields[ZD_SUPPORT_TIER_FIELD]))) {
        add(ZD_SUPPORT_TIER_FIELD, 'InvalidValue', 'Support tier: is not a valid option');
      }
    }
    if (Object.keys(errors).length > 0) return recordInvalid(errors);
    return (org) => {
      if (typeof input.name === 'string') org.name = input.name.trim();
      if ('external_id' in input) org.externalId = (input.external_id as string | null) ?? null;
      if (isStringArray(input.domain_names)) org.domainNames = [...input.domain_names];
      if (isStringArray(input.tags)) org.tags = [...input.tags];
      if ('details' in input) org.details = typeof input.details === 'string' ? input.details : null;
      if ('notes' in input) org.notes = typeof input.notes === 'string' ? input.notes : null;
      if (isObject(fields)) for (const [k, v] of Object.entries(fields)) if (['string', 'number', 'boolean'].includes(typeof v) || v === null) org.fields[k] = v as Field;
      org.updatedAt = clock.now();
    };
  };

  app.on('GET', paths('/api/v2/organizations/search'), (c) => {
    const externalId = c.req.query('external_id');
    const name = c.req.query('name');
    if (!externalId && !name) return badRequest('InvalidParameter', 'Provide external_id or name');
    const found = externalId ? organizationWithExternalId(externalId) : organizationNamed(name!);
    const organizations = found ? [organizationWire(found, baseUrlOf(c))] : [];
    return json({ organizations, next_page: null, previous_page: null, count: organizations.length });
  });

  app.get(`/api/v2/organizations/${ID}`, (c) => {
    const org = account().organizations.get(idParam(c));
    return org ? json({ organization: organizationWire(org, baseUrlOf(c)) }) : recordNotFound();
  });

  app.on('POST', paths('/api/v2/organizations'), async (c) => {
    const input = await readWrapped(c, 'organization');
    if (input instanceof Response) return input;
    const apply = applyOrganization(input, undefined);
    if (apply instanceof Response) return apply;
    const now = clock.now();
    const org: StoredOrganization = { id: account().nextOrganizationId++, name: '', externalId: null, domainNames: [], details: null, notes: null, tags: [], fields: { [ZD_SUPPORT_TIER_FIELD]: null }, createdAt: now, updatedAt: now };
    apply(org);
    account().organizations.set(org.id, org);
    const base = baseUrlOf(c);
    return json({ organization: organizationWire(org, base) }, 201, { location: `${base}/api/v2/organizations/${org.id}.json` });
  });

  app.put(`/api/v2/organizations/${ID}`, async (c) => {
    const org = account().organizations.get(idParam(c));
    if (!org) return recordNotFound();
    const input = await readWrapped(c, 'organization');
    if (input instanceof Response) return input;
    const apply = applyOrganization(input, org);
    if (apply instanceof Response) return apply;
    apply(org);
    return json({ organization: organizationWire(org, baseUrlOf(c)) });
  });
};
