import { superiorChainHasCycle } from './superior-chain';

describe('superior chain', () => {
  const chain = new Map<string, string | null>([
    ['b', 'c'],
    ['c', 'd'],
    ['d', null],
  ]);

  it('allows a superior who does not report to the user', () => {
    expect(superiorChainHasCycle('a', 'b', chain)).toBe(false);
    expect(superiorChainHasCycle('a', null, chain)).toBe(false);
  });

  it('refuses the user as their own superior', () => {
    expect(superiorChainHasCycle('a', 'a', chain)).toBe(true);
  });

  it('refuses a superior who reports to the user, directly or not', () => {
    expect(superiorChainHasCycle('d', 'b', chain)).toBe(true);
    expect(superiorChainHasCycle('c', 'b', chain)).toBe(true);
  });

  it('refuses to extend an existing loop', () => {
    const loop = new Map<string, string | null>([
      ['x', 'y'],
      ['y', 'x'],
    ]);
    expect(superiorChainHasCycle('a', 'x', loop)).toBe(true);
  });
});
