import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

/** The project root: the gateway runs from here, as `npm start` does. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface GatewayProcessOptions {
  /** How long start-up (until `/health` answers 200) may take. Default 15 s. */
  readonly startTimeoutMs?: number;
  /** Hard cap on the process's life: SIGKILL after it, whatever the test does. Default 60 s. */
  readonly maxLifetimeMs?: number;
}

export interface GatewayProcess {
  /** `http://127.0.0.1:<PORT>`. */
  readonly url: string;
  readonly pid: number;
  /** The ports handed to the process (sandbox and issuer ports matter in sandbox mode only). */
  readonly ports: { readonly gateway: number; readonly sandbox: number; readonly issuer: number };
  /** Every stdout and stderr line so far, in arrival order. */
  readonly lines: string[];
  /** The stdout lines that parse as JSON log records (pino), in order. */
  logRecords(): Record<string, unknown>[];
  /** Resolves with the first line (already seen or coming) matching `pattern`; rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Settles when the process exits. */
  readonly exited: Promise<ProcessExit>;
  /** Sends `signal` (default SIGTERM), waits up to `timeoutMs` (default 15 s) for exit, then SIGKILLs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ProcessExit>;
}

export interface SpawnedGateway {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<ProcessExit>;
  readonly ports: GatewayProcess['ports'];
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * The environment a gateway child gets: only what Node needs from ours (so a REDIS_URL or OAUTH_*
 * in the test runner's environment cannot change the mode under test), free ports, then `env`.
 */
const childEnv = (env: Readonly<Record<string, string>>, ports: GatewayProcess['ports']): NodeJS.ProcessEnv => {
  const inherited: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) if (process.env[key] !== undefined) inherited[key] = process.env[key];
  return {
    ...inherited,
    LOG_LEVEL: 'info',
    PORT: String(ports.gateway),
    SANDBOX_PORT: String(ports.sandbox),
    ISSUER_PORT: String(ports.issuer),
    ...env,
  };
};

/**
 * Spawns `node --import tsx <script>` from the project root with a bounded life, collecting its output
 * lines. The building block of `startGatewayProcess`; start-up failure tests use it directly.
 */
export const spawnGateway = async (
  env: Readonly<Record<string, string>> = {},
  options: { maxLifetimeMs?: number; script?: string; args?: readonly string[] } = {},
): Promise<SpawnedGateway> => {
  const ports = { gateway: await freePort(), sandbox: await freePort(), issuer: await freePort() };
  const child = spawn(process.execPath, ['--import', 'tsx', options.script ?? 'apis/server.ts', ...(options.args ?? [])], {
    cwd: PROJECT_ROOT,
    env: childEnv(env, ports),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);

  // Never outlive the test run: a hard cap, and a kill if the test runner itself exits first.
  const killNow = () => child.kill('SIGKILL');
  const lifetime = setTimeout(killNow, options.maxLifetimeMs ?? 60_000).unref();
  process.once('exit', killNow);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(lifetime);
      process.off('exit', killNow);
      // Give readline a tick to flush the last lines of output.
      setImmediate(() => resolve({ code, signal }));
    });
    child.once('error', () => resolve({ code: null, signal: null }));
  });

  const waitForLine = (pattern: RegExp, timeoutMs = 5_000) => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const waiter = {
        pattern,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no output line matched ${pattern} within ${timeoutMs} ms; output:\n${lines.join('\n')}`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  };
  return { child, lines, exited, ports, waitForLine };
};

/** Runs the gateway until it exits by itself (start-up failures), killing it after `timeoutMs`. */
export const runGatewayToExit = async (env: Readonly<Record<string, string>>, timeoutMs = 15_000): Promise<ProcessExit & { lines: string[] }> => {
  const spawned = await spawnGateway(env, { maxLifetimeMs: timeoutMs });
  const exit = await spawned.exited;
  return { ...exit, lines: spawned.lines };
};

const healthy = async (url: string): Promise<boolean> => {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
};

const stopProcess = async (spawned: SpawnedGateway, signal: NodeJS.Signals, timeoutMs: number): Promise<ProcessExit> => {
  if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) return spawned.exited;
  spawned.child.kill(signal);
  const timer = setTimeout(() => spawned.child.kill('SIGKILL'), timeoutMs);
  const exit = await spawned.exited;
  clearTimeout(timer);
  return exit;
};

/**
 * Starts the real gateway (`node --import tsx apis/server.ts`, as `npm start` does) on free ports with
 * `env` and waits until `/health` answers. On failure the child is killed and the error carries its
 * output. The caller must `stop()` it (the lifetime cap is a safety net, not a teardown).
 *
 * @example
 * const gw = await startGatewayProcess({ REDIS_URL: redis.url, SANDBOX_URL: sandbox.url })
 * await fetch(`${gw.url}/system/v1/erp/customers/8812`, { headers: { authorization: `Bearer ${token}` } })
 * expect(await gw.stop()).toEqual({ code: 0, signal: null })
 */
export const startGatewayProcess = async (env: Readonly<Record<string, string>> = {}, options: GatewayProcessOptions = {}): Promise<GatewayProcess> => {
  const spawned = await spawnGateway(env, { maxLifetimeMs: options.maxLifetimeMs ?? 60_000 });
  const url = `http://127.0.0.1:${spawned.ports.gateway}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  let exitedEarly = false;
  void spawned.exited.then(() => (exitedEarly = true));

  while (!(await healthy(url))) {
    if (exitedEarly || Date.now() > deadline) {
      await stopProcess(spawned, 'SIGKILL', 1_000);
      const why = exitedEarly ? `exited (code ${spawned.child.exitCode})` : `did not answer /health within ${options.startTimeoutMs ?? 15_000} ms`;
      throw new Error(`gateway ${why}; output:\n${spawned.lines.join('\n')}`);
    }
    await sleep(100);
  }

  return {
    url,
    pid: spawned.child.pid!,
    ports: spawned.ports,
    lines: spawned.lines,
    logRecords: () =>
      spawned.lines.flatMap((line) => {
        try {
          const record: unknown = JSON.parse(line);
          return record && typeof record === 'object' ? [record as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    waitForLine: spawned.waitForLine,
    exited: spawned.exited,
    stop: (signal = 'SIGTERM', timeoutMs = 15_000) => stopProcess(spawned, signal, timeoutMs),
  };
};
