import { validateConfig } from '@galapagos/client';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM helper of the deploy script, without types
import { targetEntries } from '../targets.mjs';

describe('deploy:lambda output', () => {
  it('prints targets entries that the client accepts', () => {
    const targets = targetEntries({
      endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      functionName: 'galapagos-prod-evaluate',
      region: 'eu-west-1',
    });
    expect(targets.lambda).toEqual({
      type: 'lambda',
      function: 'galapagos-prod-evaluate',
      region: 'eu-west-1',
    });
    const result = validateConfig({ targets });
    expect(result.ok).toBe(true);
  });
});
