import { createECDH, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * The credentials the NetSuite sandbox accepts. Its key pair is derived deterministically from a fixed
 * label (a P-256 private scalar = SHA-256 of it), so the adapter in sandbox mode and the sandbox agree
 * without a key file in the repository. Sandbox only: anyone can derive this key.
 */
export const SANDBOX_ACCOUNT_ID = 'TSTDRV0000000';
export const SANDBOX_CLIENT_ID = 'strata-sandbox-integration';
export const SANDBOX_CERTIFICATE_ID = 'strata-sandbox-certificate-1';

const b64url = (bytes: Buffer) => bytes.toString('base64url');

export const sandboxKeyPair = (): { privateKey: KeyObject; publicKey: KeyObject } => {
  const d = createHash('sha256').update('strata netsuite sandbox client assertion key, v1').digest();
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey(); // 0x04 || x || y
  const privateKey = createPrivateKey({
    format: 'jwk',
    key: { kty: 'EC', crv: 'P-256', d: b64url(d), x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)) },
  });
  return { privateKey, publicKey: createPublicKey(privateKey) };
};

/** The sandbox private key as PKCS#8 PEM, e.g. for `NETSUITE_PRIVATE_KEY` when a sandbox is run on its own. */
export const sandboxPrivateKeyPem = (): string => sandboxKeyPair().privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
