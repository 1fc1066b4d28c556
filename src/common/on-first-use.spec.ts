import { describe, expect, it } from '@jest/globals';
import { onFirstUse } from './on-first-use.js';

describe('a library loaded on first use', () => {
  it('loads once for concurrent first uses, and again after a failed load', async () => {
    let loads = 0;
    let fail = true;
    const library = onFirstUse(async () => {
      loads++;
      if (fail) throw new Error('not there');
      return { name: 'pdfkit' };
    });
    await expect(library()).rejects.toThrow('not there');
    fail = false;
    const [a, b] = await Promise.all([library(), library()]);
    expect(a).toBe(b);
    expect(await library()).toBe(a);
    expect(loads).toBe(2);
  });
});
