/**
 * The gateway as an operator runs it: a real `node --import tsx apis/server.ts` process. Start-up
 * refuses bad configuration, sandbox mode says where its state lives, sandbox tokens come from the
 * token CLI, and SIGTERM drains (RELIABILITY.md G3, DESIGN.md §9).
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from '../../apis/sandbox-server.js';
import { PROJECT_ROOT, runGatewayToExit, startGatewayProcess, type GatewayProcess } from '../harness/gateway-process.js';

/** `npm run -s token -- <client>` without npm: the same script, pointed at the gateway's embedded issuer. */
const tokenCli = (issuerPort: number, ...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'shared/sandbox/token-cli.ts', ...args],
      { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', ISSUER_PORT: String(issuerPort) }, timeout: 15_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe('gateway start-up with bad configuration', () => {
  it.each([
    ['RATE_LIMIT_DEFAULT is not a plan', { RATE_LIMIT_DEFAULT: 'lots' }, 'RATE_LIMIT_DEFAULT'],
    ['ERP_VENDOR names an unsupported vendor', { ERP_VENDOR: 'sap' }, 'ERP_VENDOR'],
    ['OAUTH_ISSUER is set alone', { OAUTH_ISSUER: 'https://idp.example.com' }, 'OAUTH_ISSUER'],
    ['NETSUITE_BASE_URL is set without its other keys', { NETSUITE_BASE_URL: 'https://1234567.suitetalk.api.netsuite.com' }, 'NETSUITE_ACCOUNT_ID'],
    ['REDIS_URL is not a redis URL', { REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
  ])('when %s, exits 1 with a message naming the key and never listens', async (_case, env, key) => {
    const run = await runGatewayToExit(env);
    expect(run.code, run.lines.join('\n')).toBe(1);
    const output = run.lines.join('\n');
    expect(output).toContain(key);
    expect(output).not.toContain('strata gateway listening');
  });
});

describe('the gateway in sandbox mode (no configuration)', () => {
  let gw: GatewayProcess;
  beforeAll(async () => (gw = await startGatewayProcess({})));
  afterAll(() => gw?.stop());

  it('says loudly, at warn level, that state is in memory for one process only', () => {
    const records = gw.logRecords();
    const warning = records.find((r) => typeof r.msg === 'string' && /IN MEMORY/.test(r.msg));
    expect(warning, gw.lines.join('\n')).toBeDefined();
    expect(warning!.level).toBeGreaterThanOrEqual(40);
    expect(warning!.msg).toMatch(/one process only/);
    const listening = records.find((r) => r.msg === 'strata gateway listening');
    expect(listening?.mode).toMatchObject({ state: 'memory', oauth: expect.stringMatching(/^embedded issuer at http:\/\/127\.0\.0\.1:/) });
  });

  it('when the token CLI asks its embedded issuer, prints a token that the same gateway accepts', async () => {
    const cli = await tokenCli(gw.ports.issuer, 'crm-integration');
    expect(cli.code, cli.stderr).toBe(0);
    const token = cli.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const accepted = await fetch(`${gw.url}/system/v1/erp/customers/8812`, { headers: { authorization: `Bearer ${token}` } });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ id: '8812', legalName: 'Globex GmbH' });
    // The same request without the token is refused: the 200 above is the token's doing.
    const refused = await fetch(`${gw.url}/system/v1/erp/customers/8812`);
    expect(refused.status).toBe(401);
  });

  it('when the token CLI is given an unknown client, exits 1 and names the demo clients', async () => {
    const cli = await tokenCli(gw.ports.issuer, 'mallory');
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toContain('crm-integration');
  });
});

describe('SIGTERM while a request is in flight (RELIABILITY.md G3)', () => {
  let sandbox: SandboxServer;
  let gw: GatewayProcess | undefined;
  beforeAll(async () => (sandbox = await startSandboxServer({ port: 0 })));
  afterAll(async () => {
    await gw?.stop('SIGKILL');
    await sandbox.close();
  });

  it('completes the in-flight request with 200 and Connection: close, refuses new connections, then exits 0', async () => {
    gw = await startGatewayProcess({ SANDBOX_URL: sandbox.url });
    const cli = await tokenCli(gw.ports.issuer, 'crm-integration');
    expect(cli.code, cli.stderr).toBe(0);
    const headers = { authorization: `Bearer ${cli.stdout.trim()}` };
    const client = new Client(gw.url);
    try {
      const warm = await client.request({ method: 'GET', path: '/system/v1/erp/customers/8812', headers });
      expect(warm.statusCode).toBe(200);
      await warm.body.dump();

      const armed = await fetch(`${sandbox.url}/netsuite/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault: 'latency', delayMs: 800, times: 1 }),
      });
      expect(armed.ok).toBe(true);

      const started = Date.now();
      const slow = client.request({ method: 'GET', path: '/system/v1/erp/customers/8812', headers });
      await sleep(250);
      process.kill(gw.pid, 'SIGTERM');
      await gw.waitForLine(/"msg":"draining"/, 2_000);

      const slowResponse = await slow;
      expect(slowResponse.statusCode).toBe(200);
      expect(await slowResponse.body.json()).toMatchObject({ id: '8812' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      // The client is told to take its next request elsewhere (RELIABILITY.md G3).
      expect(slowResponse.headers.connection).toBe('close');

      await expect(fetch(`${gw.url}/health`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    } finally {
      await client.close();
    }
    const exit = await Promise.race([gw.exited, sleep(5_000).then(() => 'still running' as const)]);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
