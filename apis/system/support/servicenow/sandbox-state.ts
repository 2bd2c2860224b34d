// The ServiceNow sandbox's instance state shared by its routes: the tables (replaced on reset) and the columns its options give.
import type { Clock } from '../../../../shared/clock.js';
import { SN_SUPPORT_TIER_FIELD, type SnTable } from '../../../../openapi/vendors/servicenow/types.js';
import { COLUMNS, WRITABLE, buildSandboxInstance, type SandboxInstance } from './sandbox-data.js';

export interface ServicenowSandboxState {
  readonly clock: Clock;
  /** The instance's tables and SLA clocks, kept in memory; a new one from the seed on reset. */
  instance: SandboxInstance;
  /** A table's columns: without Strata's custom columns on an instance nobody prepared. */
  readonly columnsOf: (table: SnTable) => readonly string[];
  readonly columnSets: { readonly [T in SnTable]: ReadonlySet<string> };
  /** The columns a write may set, among those the table has. */
  readonly writable: (table: SnTable) => readonly string[];
  /** A query condition on a column the table lacks: refused or ignored. */
  readonly unknownColumns: 'reject' | 'ignore';
  /** The tables back to the seed. */
  readonly reset: () => void;
}

export const createServicenowSandboxState = (clock: Clock, customColumns: boolean, unknownColumns: 'reject' | 'ignore'): ServicenowSandboxState => {
  const customColumnNames = new Set(['u_external_ref', SN_SUPPORT_TIER_FIELD]);
  const columnsOf = (table: SnTable) => (customColumns ? COLUMNS[table] : COLUMNS[table].filter((c) => !customColumnNames.has(c)));
  const columnSets = { core_company: new Set(columnsOf('core_company')), incident: new Set(columnsOf('incident')) } as const;
  const writable = (table: SnTable) => WRITABLE[table].filter((c) => columnSets[table].has(c));
  const fresh = () => {
    const instance = buildSandboxInstance(clock.now());
    if (!customColumns) for (const row of instance.tables.core_company.values()) for (const c of customColumnNames) delete row[c];
    return instance;
  };
  const state: ServicenowSandboxState = {
    clock,
    instance: fresh(),
    columnsOf,
    columnSets,
    writable,
    unknownColumns,
    reset: () => {
      state.instance = fresh();
    },
  };
  return state;
};
