import { systemClock } from '../../../../shared/clock.js';
import { describeSupportContract } from '../contract-kit.js';
import { sandboxAdapter, startServicenowSandbox } from './sandbox-harness.js';

// The support contract's shared behavioural suite, run against the ServiceNow adapter and its sandbox over HTTP.
describeSupportContract('ServiceNow', async () => {
  const sandbox = await startServicenowSandbox();
  const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
  return {
    port: adapter.support,
    idOf: (company) => company.vendorIds.servicenowCompanySysId,
    unknownOrganizationId: '0000000000000000000000000000f404',
    unknownCaseId: '0000000000000000000000000000c404',
    async close() {
      await adapter.close();
      await sandbox.close();
    },
  };
});
