import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonAs } from './parse-vendor-json.js';

const ErrorEnvelope = z.object({ error: z.object({ code: z.string() }) });

describe('readJsonAs', () => {
  it('reads a body of the expected shape, dropping what the schema does not name', () => {
    expect(readJsonAs('{"error":{"code":"Internal_RecordNotFound","message":"Customer jane@x.example"}}', ErrorEnvelope)).toEqual({ error: { code: 'Internal_RecordNotFound' } });
  });

  it('answers undefined for a body that is not JSON, or not of that shape', () => {
    expect(readJsonAs('<html>Bad gateway</html>', ErrorEnvelope)).toBeUndefined();
    expect(readJsonAs('{"error":"nope"}', ErrorEnvelope)).toBeUndefined();
  });
});
