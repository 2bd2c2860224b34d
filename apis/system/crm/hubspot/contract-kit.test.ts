import { systemClock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { describeCrmContract } from '../contract-kit.js';
import { createHubspotCrmAdapter } from './adapter.js';
import { sandboxHubspotConfig } from './config.js';
import { primaryContactIdOf } from './sandbox-data.js';
import { startHubspotSandbox } from './sandbox-harness.js';

// The shared CRM behavioural suite, with the HubSpot adapter against its sandbox over real HTTP.
describeCrmContract('HubSpot', async () => {
  const sandbox = await startHubspotSandbox();
  const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
  return {
    port: createHubspotCrmAdapter(sandboxHubspotConfig(sandbox.baseUrl), { http, clock: systemClock }),
    idOf: (company) => company.vendorIds.hubspotCompanyId,
    primaryContactIdOf,
    opportunityIdOf: (company) => company.opportunity.hubspotDealId,
    unknownAccountId: '5783279999',
    unknownOpportunityId: '9100009999',
    async close() {
      await http.close();
      await sandbox.close();
    },
  };
});
