import type { Logger } from 'pino';
import type { CallContext } from '../../../../shared/http/app-env.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import {
  BP_SERVICE_PATH,
  BusinessPartnerReadSchema,
  SAP_PARTNER_NUMBER,
  TaxNumberHitSchema,
  type BusinessPartnerRead,
  type BusinessPartnerUpdate,
} from '../../../../openapi/vendors/sap-s4hana/business-partner.js';
import type { SapS4hanaConfig } from './config.js';
import { isCustomer, toErpCustomer } from './mapper.js';
import { VENDOR, type SapODataClient } from './odata-client.js';
import { and, anyOf, customerReferenceKey, literal, query, sameName, splitName } from './odata-query.js';

/** What Strata expands on a business partner to map a customer. */
export const BP_EXPAND = 'to_BusinessPartnerAddress/to_EmailAddress,to_BusinessPartnerAddress/to_PhoneNumber,to_BusinessPartnerTax,to_Customer/to_CustomerSalesArea';
export const MAX_MATCHES = 20;

/**
 * Finding business partners that are customers: by number, by a `$filter` (external number), by tax
 * number (`A_BusinessPartnerTaxNumber`, then the partners), by name and country; and claiming a match
 * for Strata's reference. Every value reaches a URL through a pattern check or `literal`.
 */
export const createPartnerLookups = (config: SapS4hanaConfig, client: SapODataClient, logger: Logger | undefined) => {
  const notFound = () => fail('erp.customer_not_found');

  const readPartner = async (id: string, expand: string, ctx: CallContext): Promise<Result<BusinessPartnerRead>> => {
    if (!SAP_PARTNER_NUMBER.test(id)) return notFound();
    const bp = await client.getV2(BP_SERVICE_PATH, `A_BusinessPartner(${literal(id)})${query({ $expand: expand })}`, BusinessPartnerReadSchema, 'erp.customer_not_found', ctx);
    if (!bp.ok) return bp;
    return isCustomer(bp.value) ? bp : notFound();
  };

  /** Business partners that are customers, by a `$filter` built from literals only. */
  const partnersWhere = async (filter: string, top: number, ctx: CallContext): Promise<Result<BusinessPartnerRead[]>> => {
    const found = await client.listV2(BP_SERVICE_PATH, `A_BusinessPartner${query({ $filter: filter, $expand: BP_EXPAND, $top: top })}`, BusinessPartnerReadSchema, top, ctx);
    return found.ok ? ok(found.value.filter(isCustomer)) : found;
  };

  const byTaxId = async (taxId: string, ctx: CallContext): Promise<Result<BusinessPartnerRead[]>> => {
    const value = taxId.trim().toUpperCase();
    const field = value.length <= 20 ? 'BPTaxNumber' : 'BPTaxLongNumber';
    const hits = await client.listV2(BP_SERVICE_PATH, `A_BusinessPartnerTaxNumber${query({ $filter: `${field} eq ${literal(value)}`, $select: 'BusinessPartner,BPTaxType', $top: 50 })}`, TaxNumberHitSchema, 50, ctx);
    if (!hits.ok) return hits;
    const ids = [...new Set(hits.value.map((h) => h.BusinessPartner))].filter((id) => SAP_PARTNER_NUMBER.test(id)).slice(0, MAX_MATCHES);
    return ids.length === 0 ? ok([]) : partnersWhere(anyOf('BusinessPartner', ids), MAX_MATCHES, ctx);
  };

  const byNameAndCountry = async (legalName: string, country: string | undefined, ctx: CallContext): Promise<Result<BusinessPartnerRead[]>> => {
    const first = splitName(legalName)[0] ?? legalName.slice(0, 40);
    const found = await partnersWhere(and(`BusinessPartnerCategory eq '2'`, `tolower(OrganizationBPName1) eq ${literal(first.toLowerCase())}`), 50, ctx);
    if (!found.ok) return found;
    return ok(
      found.value.filter((bp) => {
        const customer = toErpCustomer(bp, config.salesArea);
        return customer.ok && sameName(customer.value.legalName, legalName) && (!country || bp.to_BusinessPartnerAddress?.results.some((a) => a.Country === country));
      }),
    );
  };

  /**
   * After a match by tax number or name, the partner gets Strata's reference as its external number
   * when it has none, so the next lookup finds it by reference. Best effort: a concurrent change (412)
   * or any failure leaves the match as it is.
   */
  const claim = async (bp: BusinessPartnerRead, externalRef: string, ctx: CallContext): Promise<void> => {
    const etag = bp.__metadata?.etag;
    if (bp.BusinessPartnerIDByExtSystem?.trim() || !etag) return;
    const body: BusinessPartnerUpdate = { BusinessPartnerIDByExtSystem: customerReferenceKey(externalRef) };
    const sent = await client.write('v2', BP_SERVICE_PATH, 'PATCH', `A_BusinessPartner(${literal(bp.BusinessPartner)})`, body, ctx, { 'if-match': etag });
    if (!sent.ok || sent.value.status !== 204) logger?.info({ vendor: VENDOR, status: sent.ok ? sent.value.status : sent.error.code }, 'external number not written back to the matched business partner');
  };

  /** One match → it; several → ambiguous; none → undefined (go on looking). */
  const single = (partners: readonly BusinessPartnerRead[]): Result<BusinessPartnerRead | undefined> => {
    if (partners.length > 1) {
      logger?.warn({ vendor: VENDOR, matches: partners.length }, 'several sap business partners match');
      return fail('erp.duplicate_customer');
    }
    return ok(partners[0]);
  };

  return { readPartner, partnersWhere, byTaxId, byNameAndCountry, claim, single };
};
