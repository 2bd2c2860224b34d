/**
 * The vendor sandboxes as a process of their own (`npm run sandbox`): used by the benchmark so the
 * simulated vendors do not share the gateway's CPU, and by anyone pointing a vendor SDK at them.
 */
import { startSandboxServer } from './sandbox-server.js';

const port = Number(process.env.SANDBOX_PORT ?? 8081);
const sandbox = await startSandboxServer({ port });
console.log(JSON.stringify({ msg: 'vendor sandboxes listening', url: sandbox.url }));
process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
process.on('SIGINT', () => void sandbox.close().then(() => process.exit(0)));
