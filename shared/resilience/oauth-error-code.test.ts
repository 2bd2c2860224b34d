import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { oauthErrorCode } from './oauth-error-code.js';

const VendorOAuthErrorSchema = z.object({ error: z.string().max(100), error_description: z.string().optional() });

describe('oauthErrorCode', () => {
  it('when the body is an OAuth error, returns its code and nothing of its description', () => {
    expect(oauthErrorCode('{"error":"invalid_client","error_description":"client jane@example.com is locked"}', VendorOAuthErrorSchema)).toBe('invalid_client');
  });

  it.each([
    ['not JSON', '<html>maintenance</html>'],
    ["not the vendor's error shape", '{"message":"nope"}'],
    ['a code that is free text, which may be vendor text', '{"error":"Customer jane@example.com not allowed"}'],
  ])('when the body is %s, returns undefined', (_name, body) => {
    expect(oauthErrorCode(body, VendorOAuthErrorSchema)).toBeUndefined();
  });
});
