/**
 * Salesforce opportunity stages ↔ the canonical stages of the CRM contract (OPPORTUNITY_STAGES).
 *
 * The table is Salesforce's default Stage picklist (the standard sales process of a new org), with the
 * probability, forecast category and closed/won flags Salesforce attaches to each value:
 *
 * | StageName              | Probability | Forecast category | IsClosed | IsWon | canonical     | written for |
 * |------------------------|------------:|-------------------|----------|-------|---------------|-------------|
 * | Prospecting            |          10 | Pipeline          | false    | false | prospecting   | prospecting |
 * | Qualification          |          10 | Pipeline          | false    | false | qualification | qualification |
 * | Needs Analysis         |          20 | Pipeline          | false    | false | qualification |             |
 * | Value Proposition      |          50 | Pipeline          | false    | false | proposal      |             |
 * | Id. Decision Makers    |          60 | Pipeline          | false    | false | proposal      |             |
 * | Perception Analysis    |          70 | Pipeline          | false    | false | proposal      |             |
 * | Proposal/Price Quote   |          75 | Pipeline          | false    | false | proposal      | proposal    |
 * | Negotiation/Review     |          90 | Pipeline          | false    | false | negotiation   | negotiation |
 * | Closed Won             |         100 | Closed            | true     | true  | closed_won    | closed_won  |
 * | Closed Lost            |           0 | Omitted           | true     | false | closed_lost   | closed_lost |
 *
 * Reading: a StageName in the table maps as shown. An org's own closed stage (not in the table) maps by
 * Salesforce's `IsClosed` / `IsWon` flags; an org's own open stage has no canonical meaning we could
 * guess, so such an opportunity is an invalid vendor response (extend the table for that org).
 *
 * Writing: a canonical stage is written as the StageName in "written for" — and only when the
 * opportunity's current StageName does not already map to it, so asking for `proposal` leaves an
 * opportunity at "Perception Analysis" where it is instead of moving it to "Proposal/Price Quote".
 */
import { OPPORTUNITY_STAGES, type Opportunity } from '../contract.js';

export type OpportunityStage = Opportunity['stage'];

export interface SalesforceStage {
  readonly stageName: string;
  readonly stage: OpportunityStage;
  readonly probability: number;
  readonly forecastCategory: 'Pipeline' | 'Closed' | 'Omitted';
  readonly closed: boolean;
  readonly won: boolean;
}

const open = (stageName: string, stage: OpportunityStage, probability: number): SalesforceStage => ({
  stageName, stage, probability, forecastCategory: 'Pipeline', closed: false, won: false,
});

/** Salesforce's default Stage picklist values, in pipeline order. */
export const SALESFORCE_STAGES: readonly SalesforceStage[] = [
  open('Prospecting', 'prospecting', 10),
  open('Qualification', 'qualification', 10),
  open('Needs Analysis', 'qualification', 20),
  open('Value Proposition', 'proposal', 50),
  open('Id. Decision Makers', 'proposal', 60),
  open('Perception Analysis', 'proposal', 70),
  open('Proposal/Price Quote', 'proposal', 75),
  open('Negotiation/Review', 'negotiation', 90),
  { stageName: 'Closed Won', stage: 'closed_won', probability: 100, forecastCategory: 'Closed', closed: true, won: true },
  { stageName: 'Closed Lost', stage: 'closed_lost', probability: 0, forecastCategory: 'Omitted', closed: true, won: false },
];

/** The StageName written for each canonical stage. */
export const STAGE_NAME_FOR: Readonly<Record<OpportunityStage, string>> = {
  prospecting: 'Prospecting',
  qualification: 'Qualification',
  proposal: 'Proposal/Price Quote',
  negotiation: 'Negotiation/Review',
  closed_won: 'Closed Won',
  closed_lost: 'Closed Lost',
};

const BY_NAME = new Map(SALESFORCE_STAGES.map((s) => [s.stageName, s]));

/** The Salesforce stage named exactly `stageName` (picklist values are matched exactly). */
export const salesforceStage = (stageName: string): SalesforceStage | undefined => BY_NAME.get(stageName);

/** The canonical stage of an opportunity, or undefined for an open stage the table does not know. */
export const toCanonicalStage = (stageName: string, isClosed: boolean, isWon: boolean): OpportunityStage | undefined => {
  const known = BY_NAME.get(stageName);
  if (known) return known.stage;
  if (isClosed) return isWon ? 'closed_won' : 'closed_lost';
  return undefined;
};

// Every canonical stage is written as a value of the table, and that value reads back as the same stage.
for (const stage of OPPORTUNITY_STAGES) {
  if (BY_NAME.get(STAGE_NAME_FOR[stage])?.stage !== stage) throw new Error(`stage table: ${stage} does not round-trip`);
}
