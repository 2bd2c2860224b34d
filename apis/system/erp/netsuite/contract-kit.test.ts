import { systemClock } from '../../../../shared/clock.js';
import { describeErpContract } from '../contract-kit.js';
import { serveNetsuiteSandbox } from './sandbox-harness.js';
import { sandboxAdapter } from './test-support.js';

/** The ERP contract's shared behaviour, by the NetSuite adapter against its sandbox over real HTTP. */
describeErpContract('netsuite', async () => {
  const sandbox = await serveNetsuiteSandbox();
  const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
  return {
    port: adapter.erp,
    idOf: (company) => company.netsuiteCustomerId,
    unknownId: '999999',
    orderItemId: 'STRATA-ENT',
    close: async () => {
      await adapter.close();
      await sandbox.close();
    },
  };
});
