import { describe, expect, it, vi } from 'vitest';
import { latest } from './latest';

describe('latest', () => {
  it('passes on the value of a load that is still current', async () => {
    const ok = vi.fn();
    latest(() => Promise.resolve(7), ok, vi.fn());
    await Promise.resolve();
    await Promise.resolve();
    expect(ok).toHaveBeenCalledWith(7);
  });

  it('drops the value and the error of a cancelled load', async () => {
    const ok = vi.fn();
    const fail = vi.fn();
    latest(() => Promise.resolve(1), ok, fail)();
    latest(() => Promise.reject(new Error('gone')), ok, fail)();
    await new Promise((r) => setTimeout(r, 0));
    expect(ok).not.toHaveBeenCalled();
    expect(fail).not.toHaveBeenCalled();
  });

  it('passes on the error of a current load', async () => {
    const fail = vi.fn();
    latest(() => Promise.reject(new Error('boom')), vi.fn(), fail);
    await new Promise((r) => setTimeout(r, 0));
    expect(fail).toHaveBeenCalledWith(new Error('boom'));
  });
});
