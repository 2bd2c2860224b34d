import { systemClock } from '../../../../shared/clock.js';
import { createUndiciHttpClient } from '../../../../shared/vendor-http/undici-http-client.js';
import { describeBillingContract } from '../contract-kit.js';
import { createChargebeeBillingAdapter } from './adapter.js';
import { sandboxChargebeeConfig } from './config.js';
import { startChargebeeSandbox } from './sandbox-harness.js';

describeBillingContract('chargebee', async () => {
  const sandbox = await startChargebeeSandbox();
  const http = createUndiciHttpClient({ baseUrl: sandbox.baseUrl });
  return {
    port: createChargebeeBillingAdapter(sandboxChargebeeConfig(sandbox.baseUrl), { http, clock: systemClock }),
    idOf: (company) => company.vendorIds.chargebeeCustomerId,
    unknownCustomerId: 'AzZNobody01',
    unknownSubscriptionId: 'AzZNobodySub01',
    async close() {
      await http.close();
      await sandbox.close();
    },
  };
});
