import { ExpiringLruCache, SingleFlight, tokenCacheKey } from '../../src/auth';

describe('ExpiringLruCache', () => {
  it('evicts the least recently used entry when full', () => {
    const cache = new ExpiringLruCache<string>(2);
    cache.set('a', 'A', 60_000);
    cache.set('b', 'B', 60_000);
    expect(cache.get('a')).toBe('A'); // a is now more recent than b
    cache.set('c', 'C', 60_000);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
  });

  it('forgets an entry when its TTL ends', () => {
    let now = 1_000_000;
    const cache = new ExpiringLruCache<string>(10, () => now);
    cache.set('a', 'A', 5_000);
    now += 4_999;
    expect(cache.get('a')).toBe('A');
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stores nothing for a TTL of zero or less', () => {
    const cache = new ExpiringLruCache<string>(10);
    cache.set('a', 'A', 0);
    cache.set('b', 'B', -5);
    expect(cache.size).toBe(0);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new ExpiringLruCache<string>(0)).toThrow(RangeError);
  });
});

describe('tokenCacheKey', () => {
  it('is a SHA-256 hex digest, not the token', () => {
    const key = tokenCacheKey('secret-token');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain('secret-token');
  });
});

describe('SingleFlight', () => {
  it('shares one running task per key and forgets it when done', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const task = async (): Promise<number> => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return runs;
    };
    const results = await Promise.all([flight.run('k', task), flight.run('k', task), flight.run('other', task)]);
    expect(runs).toBe(2);
    expect(results[0]).toBe(results[1]);
    expect(flight.inFlight).toBe(0);
    await flight.run('k', task);
    expect(runs).toBe(3);
  });

  it('shares a failure too, then lets the next caller retry', async () => {
    const flight = new SingleFlight<number>();
    const failing = jest.fn(() => Promise.reject(new Error('down')));
    await expect(Promise.all([flight.run('k', failing), flight.run('k', failing)])).rejects.toThrow('down');
    expect(failing).toHaveBeenCalledTimes(1);
    await expect(flight.run('k', () => Promise.resolve(7))).resolves.toBe(7);
  });
});
