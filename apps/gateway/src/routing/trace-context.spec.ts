import { nextTraceparent } from './trace-context';

describe('nextTraceparent', () => {
  it('continues a valid trace with a new parent id and the caller\u2019s flags', () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
    const next = nextTraceparent(incoming);
    expect(next).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/);
    expect(next).not.toBe(incoming);
  });

  it.each([undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'])(
    'starts a new sampled trace for %p',
    (incoming) => {
      const next = nextTraceparent(incoming);
      expect(next).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(next.split('-')[1]).not.toBe('0'.repeat(32));
    },
  );
});
