import { systemClock } from '../../../../shared/clock.js';
import { describeSupportContract } from '../contract-kit.js';
import { sandboxAdapter, startZendeskSandbox } from './sandbox-harness.js';

// The support contract's shared behavioural suite, run against the Zendesk adapter and its sandbox over HTTP.
describeSupportContract('Zendesk', async () => {
  const sandbox = await startZendeskSandbox();
  const adapter = sandboxAdapter(sandbox.baseUrl, systemClock);
  return {
    port: adapter.support,
    idOf: (company) => company.vendorIds.zendeskOrganizationId,
    unknownOrganizationId: '360000000404',
    unknownCaseId: '999404',
    async close() {
      await adapter.close();
      await sandbox.close();
    },
  };
});
