/**
 * SAP S/4HANA Cloud — Business Partner (A2X), OData V2 service `API_BUSINESS_PARTNER`.
 *
 * DERIVED BY HAND from the EDMX held beside this file (`API_BUSINESS_PARTNER.subset.edmx`, SAP's service
 * metadata; origin in README.md): only the entity types and properties Strata reads or writes, each
 * declared with its EDM type and length exactly as the EDMX has it. `business-partner.test.ts` /
 * the adapter's conformance test parse the EDMX and fail when a declaration drifts from it.
 */
import { z } from 'zod';
import { entity, v2, v2ManyNav, v2OneNav, V2MetadataSchema } from './odata.js';

export const BP_SERVICE_PATH = '/sap/opu/odata/sap/API_BUSINESS_PARTNER';
const NS = 'API_BUSINESS_PARTNER';

/**
 * Business partner and customer numbers are CHAR(10) upper case (internal numbering gives digits;
 * external number ranges may use letters). Matched before a number enters a key predicate or filter.
 */
export const SAP_PARTNER_NUMBER = /^[A-Z0-9]{1,10}$/;

export const BpEmail = entity(`${NS}.A_AddressEmailAddressType`, true, ['AddressID', 'Person', 'OrdinalNumber'], {
  AddressID: v2.string(10),
  Person: v2.string(10),
  OrdinalNumber: v2.string(3),
  IsDefaultEmailAddress: v2.boolean(),
  EmailAddress: v2.string(241),
});

export const BpPhone = entity(`${NS}.A_AddressPhoneNumberType`, true, ['AddressID', 'Person', 'OrdinalNumber'], {
  AddressID: v2.string(10),
  Person: v2.string(10),
  OrdinalNumber: v2.string(3),
  DestinationLocationCountry: v2.string(3),
  IsDefaultPhoneNumber: v2.boolean(),
  PhoneNumber: v2.string(30),
  InternationalPhoneNumber: v2.string(30),
});

export const BpAddress = entity(`${NS}.A_BusinessPartnerAddressType`, true, ['BusinessPartner', 'AddressID'], {
  BusinessPartner: v2.string(10),
  AddressID: v2.string(10),
  Country: v2.string(3),
  Region: v2.string(3),
  CityName: v2.string(40),
  PostalCode: v2.string(10),
  StreetName: v2.string(60),
  HouseNumber: v2.string(10),
  /** "Street 4": the line printed below the street; Strata's `line2`. */
  StreetSuffixName: v2.string(40),
  Language: v2.string(2),
});

export const BpTaxNumber = entity(`${NS}.A_BusinessPartnerTaxNumberType`, true, ['BusinessPartner', 'BPTaxType'], {
  BusinessPartner: v2.string(10),
  BPTaxType: v2.string(4),
  BPTaxNumber: v2.string(20),
  BPTaxLongNumber: v2.string(60),
});

export const BpRole = entity(`${NS}.A_BusinessPartnerRoleType`, true, ['BusinessPartner', 'BusinessPartnerRole'], {
  BusinessPartner: v2.string(10),
  BusinessPartnerRole: v2.string(6),
});

export const BpCustomerSalesArea = entity(`${NS}.A_CustomerSalesAreaType`, true, ['Customer', 'SalesOrganization', 'DistributionChannel', 'Division'], {
  Customer: v2.string(10),
  SalesOrganization: v2.string(4),
  DistributionChannel: v2.string(2),
  Division: v2.string(2),
  Currency: v2.string(5),
  CreditControlArea: v2.string(4),
  OrderIsBlockedForCustomer: v2.string(2),
  DeletionIndicator: v2.boolean(),
});

export const BpCustomer = entity(`${NS}.A_CustomerType`, true, ['Customer'], {
  Customer: v2.string(10),
  OrderIsBlockedForCustomer: v2.string(2),
  PostingIsBlocked: v2.boolean(),
  DeletionIndicator: v2.boolean(),
});

export const BpCreditWorthiness = entity(`${NS}.A_BPCreditWorthinessType`, true, ['BusinessPartner'], {
  BusinessPartner: v2.string(10),
  BusPartCreditStanding: v2.string(1),
  BPCreditStandingStatus: v2.string(1),
  BPCreditStandingRating: v2.string(3),
  BusinessPartnerIsBankrupt: v2.boolean(),
});

export const BusinessPartner = entity(`${NS}.A_BusinessPartnerType`, true, ['BusinessPartner'], {
  BusinessPartner: v2.string(10),
  Customer: v2.string(10),
  BusinessPartnerCategory: v2.string(1),
  BusinessPartnerGrouping: v2.string(4),
  OrganizationBPName1: v2.string(40),
  OrganizationBPName2: v2.string(40),
  OrganizationBPName3: v2.string(40),
  OrganizationBPName4: v2.string(40),
  SearchTerm1: v2.string(20),
  /** "External BP Number": where Strata keeps its canonical customer id (upper case, see README.md). */
  BusinessPartnerIDByExtSystem: v2.string(20),
  BusinessPartnerIsBlocked: v2.boolean(),
  IsMarkedForArchiving: v2.boolean(),
  CreationDate: v2.dateTime(),
  CreationTime: v2.time(),
  LastChangeDate: v2.dateTime(),
  LastChangeTime: v2.time(),
});

/** The navigation properties Strata expands (`$expand=…`), each as SAP serialises it once expanded. */
const AddressWithComms = BpAddress.schema.extend({
  to_EmailAddress: v2ManyNav(BpEmail.schema),
  to_PhoneNumber: v2ManyNav(BpPhone.schema),
});
const CustomerWithSalesAreas = BpCustomer.schema.extend({ to_CustomerSalesArea: v2ManyNav(BpCustomerSalesArea.schema) });

/** `A_BusinessPartner` as read with Strata's `$expand` (unexpanded navigation properties are dropped). */
export const BusinessPartnerReadSchema = BusinessPartner.schema.extend({
  __metadata: V2MetadataSchema.optional(),
  to_BusinessPartnerAddress: v2ManyNav(AddressWithComms),
  to_BusinessPartnerTax: v2ManyNav(BpTaxNumber.schema),
  /** To-one: the object, or null when the partner has no customer role. */
  to_Customer: v2OneNav(CustomerWithSalesAreas),
  to_BPCreditWorthiness: v2OneNav(BpCreditWorthiness.schema),
});

/** `A_BusinessPartnerTaxNumber` rows as found by tax number (`$select=BusinessPartner,BPTaxType`). */
export const TaxNumberHitSchema = z.object({ BusinessPartner: z.string().max(10), BPTaxType: z.string().max(4) });

export type BusinessPartnerRead = z.output<typeof BusinessPartnerReadSchema>;

// ---------------------------------------------------------------------------------------------------
// Deep insert (`POST A_BusinessPartner`) and update (`PATCH A_BusinessPartner('…')`) bodies

export interface BpEmailCreate {
  readonly EmailAddress: string;
  readonly IsDefaultEmailAddress: boolean;
}
export interface BpPhoneCreate {
  readonly PhoneNumber: string;
  readonly DestinationLocationCountry: string;
  readonly IsDefaultPhoneNumber: boolean;
}
export interface BpAddressCreate {
  readonly Country: string;
  readonly CityName?: string;
  readonly PostalCode?: string;
  readonly StreetName?: string;
  readonly StreetSuffixName?: string;
  readonly Region?: string;
  readonly Language: string;
  readonly to_EmailAddress?: { readonly results: readonly BpEmailCreate[] };
  readonly to_PhoneNumber?: { readonly results: readonly BpPhoneCreate[] };
}
export interface BpCustomerSalesAreaCreate {
  readonly SalesOrganization: string;
  readonly DistributionChannel: string;
  readonly Division: string;
  readonly Currency: string;
}
/** One request creates the organisation, its roles, address, tax number and customer sales area. */
export interface BusinessPartnerCreate {
  readonly BusinessPartnerCategory: '2';
  readonly BusinessPartnerGrouping: string;
  readonly OrganizationBPName1: string;
  readonly OrganizationBPName2?: string;
  readonly OrganizationBPName3?: string;
  readonly OrganizationBPName4?: string;
  readonly SearchTerm1: string;
  readonly BusinessPartnerIDByExtSystem: string;
  readonly to_BusinessPartnerRole: { readonly results: readonly { readonly BusinessPartnerRole: string }[] };
  readonly to_BusinessPartnerAddress: { readonly results: readonly BpAddressCreate[] };
  readonly to_BusinessPartnerTax?: { readonly results: readonly { readonly BPTaxType: string; readonly BPTaxNumber?: string; readonly BPTaxLongNumber?: string }[] };
  readonly to_Customer: { readonly to_CustomerSalesArea: { readonly results: readonly BpCustomerSalesAreaCreate[] } };
}
export interface BusinessPartnerUpdate {
  readonly BusinessPartnerIDByExtSystem: string;
}
