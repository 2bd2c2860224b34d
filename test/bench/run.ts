/**
 * `npm run bench`: throughput, latency and gateway CPU per request on loopback, as ratios against a
 * bare route measured in the same run. Everything is real: its own redis-server, the vendor sandboxes
 * in a separate process, the gateway as `npm start` runs it (with REDIS_URL and the embedded issuer),
 * and a policy-free twin of the gateway as the baseline. Bounded: each scenario runs a fixed time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_VENDORS } from '../../apis/sandbox-server.js';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { freePort } from '../harness/free-port.js';
import { startRedisServer } from '../harness/redis-server.js';
import { recordDomainReads } from './direct-requests.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const DOMAIN_DURATION_S = Number(process.env.BENCH_DOMAIN_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

const children: ChildProcess[] = [];
const start = (script: string, env: Record<string, string>) => {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
};

const waitFor = async (url: string) => {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
};

const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
};

interface Row {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuUsPerReq: number;
  readonly non2xx: number;
}

const measure = async (
  name: string,
  url: string,
  pid: number,
  headers: Record<string, string> = {},
  options: { method?: string; body?: string; duration?: number } = {},
): Promise<Row> => {
  const request = { url, connections: CONNECTIONS, headers, ...(options.method ? { method: options.method as 'GET' } : {}), ...(options.body ? { body: options.body } : {}) };
  await autocannon({ ...request, duration: 2 }); // warm-up (JIT, pools, caches)
  const cpuBefore = cpuSeconds(pid);
  const r = await autocannon({ ...request, duration: options.duration ?? DURATION_S });
  const cpu = cpuSeconds(pid) - cpuBefore;
  const total = r.requests.total;
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuUsPerReq: (cpu / total) * 1e6, non2xx: r.non2xx + r.errors };
};

/**
 * The sandboxes impose no vendor limits, and the published ones (Stripe test mode 25/s, Zendesk
 * 200/min, NetSuite 15 concurrent) would turn a load test into a test of the budget's refusals:
 * both the gateway and its policy-free twin get the same generous limits. The budget's own cost
 * (its Redis round trips) stays in both.
 */
const benchConfig = () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
  const file = join(dir, 'strata.json');
  const generous = { requests: { limit: 1_000_000, windowSeconds: 1 }, concurrency: 1_000 };
  writeFileSync(file, JSON.stringify({ vendorLimits: Object.fromEntries(SANDBOX_VENDORS.map((v) => [v, generous])) }));
  return file;
};

const main = async () => {
  const redis = await startRedisServer();
  const strataConfig = benchConfig();
  const [sandboxPort, gatewayPort, issuerPort, baselinePort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandboxProcess = start('apis/sandbox-main.ts', { SANDBOX_PORT: String(sandboxPort) });
  await waitFor(`${sandboxUrl}/`);
  const gateway = start('apis/server.ts', {
    PORT: String(gatewayPort),
    ISSUER_PORT: String(issuerPort),
    SANDBOX_URL: sandboxUrl,
    REDIS_URL: redis.url,
    RATE_LIMIT_DEFAULT: '100000000/60s',
    STRATA_CONFIG: strataConfig,
  });
  const baseline = start('test/bench/policy-free-server.ts', { PORT: String(baselinePort), SANDBOX_URL: sandboxUrl, REDIS_URL: redis.url, STRATA_CONFIG: strataConfig });
  await Promise.all([waitFor(`http://127.0.0.1:${gatewayPort}/health`), waitFor(`http://127.0.0.1:${baselinePort}/bare`)]);

  const tokenResponse = await fetch(`http://127.0.0.1:${issuerPort}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'operator', client_secret: 'operator-sandbox-secret', resource: 'https://api.strata.local' }),
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${token}` };

  const systemPath = '/system/v1/erp/customers/8812';
  const rows = [
    await measure('bare Hono route', `http://127.0.0.1:${baselinePort}/bare`, baseline.pid!),
    await measure('system route, policies off', `http://127.0.0.1:${baselinePort}${systemPath}`, baseline.pid!),
    await measure('system route, whole chain', `http://127.0.0.1:${gatewayPort}${systemPath}`, gateway.pid!, auth),
    await measure('account summary, whole chain', `http://127.0.0.1:${gatewayPort}/experience/v1/crm-widgets/accounts/001Dn00000GlbxAIAR/summary`, gateway.pid!, auth),
  ];

  // Per domain: one system read through the gateway (whole chain, adapter, sandbox) against the same
  // vendor request sent to the sandbox directly. CPU is the gateway's, resp. the sandbox's.
  const domainRows: { domain: string; vendor: string; calls: number; gateway: Row; direct: Row }[] = [];
  for (const read of await recordDomainReads(sandboxUrl)) {
    const first = read.vendorRequests[0]!;
    domainRows.push({
      domain: read.domain,
      vendor: read.vendor,
      calls: read.vendorRequests.length,
      gateway: await measure(`${read.domain} read via gateway`, `http://127.0.0.1:${gatewayPort}${read.gatewayPath}`, gateway.pid!, auth, { duration: DOMAIN_DURATION_S }),
      direct: await measure(`${read.domain} read, sandbox direct`, first.url, sandboxProcess.pid!, first.headers, { method: first.method, ...(first.body ? { body: first.body } : {}), duration: DOMAIN_DURATION_S }),
    });
  }

  const bare = rows[0]!;
  const off = rows[1]!;
  const on = rows[2]!;
  const fmt = (n: number, d = 0) => n.toFixed(d);
  console.log(`\nStrata benchmark — ${DURATION_S} s per scenario, ${CONNECTIONS} connections, loopback, node ${process.version}\n`);
  console.log('| scenario | req/s | p50 ms | p99 ms | gateway CPU µs/req | × bare req/s | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.cpuUsPerReq)} | ${fmt(r.rps / bare.rps, 2)} | ${r.non2xx} |`);
  console.log(`\nwhole chain / policies off (system route): ${fmt((on.rps / off.rps) * 100, 1)} % of throughput, ${fmt(on.cpuUsPerReq - off.cpuUsPerReq)} µs more CPU per request (target ≥ 60 %)`);
  console.log('\nPer domain: one system read through the gateway vs the same vendor request sent to the sandbox directly\n');
  console.log('| domain (vendor) | vendor calls per read | gateway req/s | p50/p99 ms | sandbox direct req/s | p50/p99 ms | gateway ÷ direct | non-2xx (gateway/direct) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const d of domainRows) {
    console.log(`| ${d.domain} (${d.vendor}) | ${d.calls} | ${fmt(d.gateway.rps)} | ${fmt(d.gateway.p50)}/${fmt(d.gateway.p99)} | ${fmt(d.direct.rps)} | ${fmt(d.direct.p50)}/${fmt(d.direct.p99)} | ${fmt(d.gateway.rps / d.direct.rps, 2)} | ${d.gateway.non2xx}/${d.direct.non2xx} |`);
  }
  const failed = [...rows, ...domainRows.flatMap((d) => [d.gateway, d.direct])].some((r) => r.non2xx > 0);
  if (failed) console.log('WARNING: some responses were not 2xx; the figures are not valid');

  for (const child of children) child.kill('SIGTERM');
  await redis.stop();
  process.exit(failed ? 1 : 0);
};

main().catch(async (error) => {
  console.error(error);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
