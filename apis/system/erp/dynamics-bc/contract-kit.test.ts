import { systemClock } from '../../../../shared/clock.js';
import { describeErpContract } from '../contract-kit.js';
import { serveDynamicsBcSandbox } from './sandbox-harness.js';
import { sandboxAdapter } from './test-support.js';

/** The ERP contract's shared behaviour, by the Business Central adapter against its sandbox over real HTTP. */
describeErpContract('dynamics-bc', async () => {
  // Pages of 2: every list the kit reads crosses an `@odata.nextLink`.
  const sandbox = await serveDynamicsBcSandbox({ maxPageSize: 2 });
  const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
  return {
    port: adapter.erp,
    idOf: (company) => company.vendorIds.businessCentralId,
    unknownId: '00000000-0000-4000-8000-000000000bc0',
    orderItemId: 'STRATA-ENT',
    close: async () => {
      await adapter.close();
      await sandbox.close();
    },
  };
});
