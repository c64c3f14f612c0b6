import { checkChangeable, checkConvertible, checkTransition, statusAfterFollowUp } from './lead-status';

describe('lead status rules', () => {
  const at = (status: 'new' | 'following' | 'converted' | 'invalid', conversionPending = false) => ({ status, conversionPending });

  it('allows new → following → invalid → following, and new → invalid', () => {
    expect(checkTransition(at('new'), 'following')).toBeNull();
    expect(checkTransition(at('new'), 'invalid')).toBeNull();
    expect(checkTransition(at('following'), 'invalid')).toBeNull();
    expect(checkTransition(at('invalid'), 'following')).toBeNull();
    expect(checkTransition(at('following'), 'following')).toBeNull();
  });

  it('refuses going back to new, converting by hand, and any change of a converted or converting lead', () => {
    expect(checkTransition(at('following'), 'new')?.code).toBe('LEAD.INVALID_TRANSITION');
    expect(checkTransition(at('invalid'), 'new')?.code).toBe('LEAD.INVALID_TRANSITION');
    expect(checkTransition(at('following'), 'converted')?.code).toBe('LEAD.INVALID_TRANSITION');
    expect(checkTransition(at('converted'), 'following')?.code).toBe('LEAD.ALREADY_CONVERTED');
    expect(checkTransition(at('new', true), 'invalid')?.code).toBe('LEAD.CONVERSION_PENDING');
    expect(checkChangeable(at('converted'))?.code).toBe('LEAD.ALREADY_CONVERTED');
    expect(checkChangeable(at('following', true))?.code).toBe('LEAD.CONVERSION_PENDING');
    expect(checkChangeable(at('invalid'))).toBeNull();
  });

  it('starts following a new lead on its first follow-up only', () => {
    expect(statusAfterFollowUp('new')).toBe('following');
    expect(statusAfterFollowUp('following')).toBe('following');
    expect(statusAfterFollowUp('invalid')).toBe('invalid');
  });

  it('converts new and following leads only', () => {
    expect(checkConvertible(at('new'))).toBeNull();
    expect(checkConvertible(at('following'))).toBeNull();
    expect(checkConvertible(at('invalid'))?.code).toBe('LEAD.NOT_CONVERTIBLE');
    expect(checkConvertible(at('converted'))?.code).toBe('LEAD.ALREADY_CONVERTED');
  });
});
