// The adapter's customer reads: one customer by id, and customers found by tax id or legal name (+ country).
import type { z } from 'zod';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import { BC_CUSTOMER_SELECT, BcCustomerListSchema, BcCustomerSchema } from '../../../../openapi/vendors/dynamics-bc/types.js';
import type { CustomerQuery, ErpCustomer, ErpPort } from '../contract.js';
import type { DynamicsBcClient } from './client.js';
import { toErpCustomer } from './mapper.js';
import { isGuid, odataQuery, stringLiteral } from './odata.js';

/** `findCustomers` answers at most this many (the contract's cap). */
const MAX_FOUND = 20;
/** BC field lengths of what createOrMatchCustomer writes (Customer table). */
export const CUSTOMER_LENGTHS = { legalName: 100, line1: 100, line2: 50, city: 30, region: 30, postalCode: 20, phone: 30, email: 80, taxId: 20 } as const;

export type BcCustomer = z.output<typeof BcCustomerSchema>;

export const createCustomerReads = (client: DynamicsBcClient) => {
  const { company, list, getEntity, customerPath } = client;

  /** Customers matching an OData `$filter` (at most MAX_FOUND). */
  const findBy = (filter: string, ctx: CallContext) =>
    list(`${company}/customers${odataQuery({ $filter: filter, $select: BC_CUSTOMER_SELECT.join(','), $top: MAX_FOUND })}`, BcCustomerListSchema, MAX_FOUND, ctx);

  const mapCustomers = (found: readonly BcCustomer[]): Result<ErpCustomer[]> => {
    const customers: ErpCustomer[] = [];
    for (const bc of found) {
      const mapped = toErpCustomer(bc);
      if (!mapped.ok) return mapped;
      customers.push(mapped.value);
    }
    return ok(customers);
  };

  /** Tax id, or legal name (exact, case-insensitive) and optional country. */
  const findCustomers = async (query: CustomerQuery, ctx: CallContext): Promise<Result<ErpCustomer[]>> => {
    if (query.taxId !== undefined) {
      // A value longer than BC's field cannot be stored there: nothing to ask for.
      if (query.taxId.length > CUSTOMER_LENGTHS.taxId) return ok([]);
      const found = await findBy(`taxRegistrationNumber eq ${stringLiteral(query.taxId)}`, ctx);
      return found.ok ? mapCustomers(found.value) : found;
    }
    const name = query.legalName;
    if (name === undefined || name.length > CUSTOMER_LENGTHS.legalName) return ok([]);
    const filter = [`displayName eq ${stringLiteral(name)}`, ...(query.country ? [`country eq ${stringLiteral(query.country)}`] : [])].join(' and ');
    const found = await findBy(filter, ctx);
    if (!found.ok) return found;
    // BC online compares with a case-insensitive collation; checked again so the contract holds either way.
    const wanted = name.toLocaleLowerCase('en');
    return mapCustomers(found.value.filter((c) => c.displayName.toLocaleLowerCase('en') === wanted));
  };

  const getCustomer: ErpPort['getCustomer'] = async (customerId, ctx) => {
    if (!isGuid(customerId)) return fail('erp.customer_not_found');
    const bc = await getEntity(customerPath(customerId, { $select: BC_CUSTOMER_SELECT.join(',') }), BcCustomerSchema, 'erp.customer_not_found', ctx);
    return bc.ok ? toErpCustomer(bc.value) : bc;
  };

  return { getCustomer, findCustomers, findBy };
};
