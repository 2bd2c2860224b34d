import { systemClock } from '../../../../shared/clock.js';
import { describeErpContract } from '../contract-kit.js';
import { serveSapSandbox } from './sandbox-harness.js';
import { sandboxAdapter } from './test-support.js';

// The ERP contract's shared behavioural suite, run against the SAP adapter over real HTTP on its sandbox.
describeErpContract('sap-s4hana', async () => {
  const sandbox = await serveSapSandbox();
  const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
  return {
    port: adapter.erp,
    idOf: (company) => company.vendorIds.sapBusinessPartner,
    unknownId: '9999999',
    orderItemId: 'STRATA-ENT',
    close: async () => {
      await adapter.close();
      await sandbox.close();
    },
  };
});
