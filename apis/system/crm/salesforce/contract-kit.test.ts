import { systemClock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { describeCrmContract } from '../contract-kit.js';
import { createSalesforceCrmAdapter } from './adapter.js';
import { sandboxSalesforceConfig } from './config.js';
import { primaryContactIdOf } from './sandbox-data.js';
import { startSalesforceSandbox } from './sandbox-harness.js';

// The shared CRM behavioural suite, with the Salesforce adapter against its sandbox over real HTTP.
describeCrmContract('Salesforce', async () => {
  const sandbox = await startSalesforceSandbox();
  const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
  return {
    port: createSalesforceCrmAdapter(sandboxSalesforceConfig(sandbox.baseUrl), { http, clock: systemClock }),
    idOf: (company) => company.salesforceAccountId,
    primaryContactIdOf: (company) => primaryContactIdOf(company.salesforceAccountId),
    opportunityIdOf: (company) => company.opportunity.salesforceId,
    unknownAccountId: '001Dn00000NopeAIAR',
    unknownOpportunityId: '006Dn00000NopeOAAR',
    async close() {
      await http.close();
      await sandbox.close();
    },
  };
});
