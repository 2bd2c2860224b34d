// The adapter's createOrMatchCustomer: lookup-before-create (number from externalRef, tax id, name + country), then one POST.
import type { CallContext } from '../../../../shared/http/app-env.js';
import { parseVendorJson } from '../../../../shared/resilience/parse-vendor-json.js';
import { fail, ok } from '../../../../shared/result.js';
import { BcCustomerSchema, type BcCustomerCreate } from '../../../../openapi/vendors/dynamics-bc/types.js';
import type { ErpPort, NewErpCustomer } from '../contract.js';
import { bcErrorCode, type DynamicsBcClient } from './client.js';
import { CUSTOMER_LENGTHS, type BcCustomer, type createCustomerReads } from './customers.js';
import { toErpCustomer } from './mapper.js';
import { customerNumberFor, stringLiteral } from './odata.js';

export const createCustomerWrites = (client: DynamicsBcClient, reads: ReturnType<typeof createCustomerReads>): Pick<ErpPort, 'createOrMatchCustomer'> => {
  const { company, authorized, unexpected, meta } = client;
  const { findBy, findCustomers } = reads;

  const createCustomer = async (input: NewErpCustomer, number: string, ctx: CallContext) => {
    const address = input.billingAddress;
    const body: BcCustomerCreate = {
      number,
      displayName: input.legalName,
      type: 'Company',
      ...(address ? { addressLine1: address.line1 } : {}),
      ...(address?.line2 ? { addressLine2: address.line2 } : {}),
      ...(address ? { city: address.city } : {}),
      ...(address?.region ? { state: address.region } : {}),
      country: input.country,
      ...(address?.postalCode ? { postalCode: address.postalCode } : {}),
      ...(input.phone ? { phoneNumber: input.phone } : {}),
      ...(input.email ? { email: input.email } : {}),
      ...(input.taxId ? { taxRegistrationNumber: input.taxId } : {}),
      currencyCode: input.currency,
    };
    // Not idempotent on the wire: never retried blindly (E2). A retry of the whole operation finds the
    // record by `number` first; a concurrent duplicate is refused by BC (same primary key).
    return authorized(
      { method: 'POST', path: `${company}/customers`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), retry: false },
      ctx,
    );
  };

  const createOrMatchCustomer: ErpPort['createOrMatchCustomer'] = async (input, ctx) => {
    const number = customerNumberFor(input.externalRef);
    const byRef = await findBy(`number eq ${stringLiteral(number)}`, ctx);
    if (!byRef.ok) return byRef;
    const matched = (found: readonly BcCustomer[]) => {
      const mapped = toErpCustomer(found[0]!);
      return mapped.ok ? ok({ customer: mapped.value, outcome: 'matched' as const }) : mapped;
    };
    if (byRef.value.length > 0) return matched(byRef.value);
    for (const query of [
      ...(input.taxId ? [{ taxId: input.taxId }] : []),
      { legalName: input.legalName, country: input.country },
    ]) {
      const found = await findCustomers(query, ctx);
      if (!found.ok) return found;
      if (found.value.length > 1) return fail('erp.duplicate_customer');
      if (found.value.length === 1) return ok({ customer: found.value[0]!, outcome: 'matched' as const });
    }
    if (!fitsCustomerFields(input)) return fail('http.validation');

    const sent = await createCustomer(input, number, ctx);
    if (!sent.ok) return sent;
    if (sent.value.status === 201) {
      const created = parseVendorJson(sent.value, BcCustomerSchema, meta);
      if (!created.ok) return created;
      const mapped = toErpCustomer(created.value);
      return mapped.ok ? ok({ customer: mapped.value, outcome: 'created' as const }) : mapped;
    }
    if ((sent.value.status === 400 || sent.value.status === 409) && bcErrorCode(sent.value.body) === 'Internal_EntityWithSameKeyExists') {
      // An earlier attempt (or a concurrent one) created it after our lookup: that record is the match.
      const again = await findBy(`number eq ${stringLiteral(number)}`, ctx);
      if (!again.ok) return again;
      if (again.value.length > 0) return matched(again.value);
    }
    return unexpected(sent.value, ctx);
  };

  return { createOrMatchCustomer };
};

/** Whether BC's Customer fields can hold the input (else BC would refuse it with StringExceededLength). */
const fitsCustomerFields = (input: NewErpCustomer): boolean => {
  const a = input.billingAddress;
  const L = CUSTOMER_LENGTHS;
  return (
    input.legalName.length <= L.legalName &&
    (input.taxId?.length ?? 0) <= L.taxId &&
    (input.phone?.length ?? 0) <= L.phone &&
    (input.email?.length ?? 0) <= L.email &&
    (!a || (a.line1.length <= L.line1 && (a.line2?.length ?? 0) <= L.line2 && a.city.length <= L.city && (a.region?.length ?? 0) <= L.region && (a.postalCode?.length ?? 0) <= L.postalCode))
  );
};
