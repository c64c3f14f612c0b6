import { matchesPattern, ownerOf } from './route-table';

describe('route table', () => {
  it('sends each prefix, and everything below it, to its owner', () => {
    expect(ownerOf('/api/v1/customers')).toBe('sales');
    expect(ownerOf('/api/v1/customers/42/contacts?x=1')).toBe('sales');
    expect(ownerOf('/api/v1/customer-pools/7/claims')).toBe('marketing');
    expect(ownerOf('/api/v1/users/7')).toBe('identity');
    expect(ownerOf('/api/v1/customersx')).toBeUndefined();
  });

  it('sends marketing\u2019s sub-resources of a customer to marketing, the rest of the customer to sales', () => {
    expect(ownerOf('/api/v1/customers/42/return')).toBe('marketing');
    expect(ownerOf('/api/v1/customers/42/ownership-history?page=2')).toBe('marketing');
    expect(ownerOf('/api/v1/customers/42/pool-status')).toBe('marketing');
    expect(ownerOf('/api/v1/customers/{id}/return')).toBe('marketing'); // the OpenAPI merge asks with templates
    expect(ownerOf('/api/v1/customers/42')).toBe('sales');
    expect(ownerOf('/api/v1/customers/42/restore')).toBe('sales');
    expect(ownerOf('/api/v1/customers/return')).toBe('sales');
    expect(ownerOf('/api/v1/customers//return')).toBe('sales');
  });

  it('matches a pattern segment by segment, {name} standing for any one segment', () => {
    expect(matchesPattern('/a/{id}/b', '/a/1/b')).toBe(true);
    expect(matchesPattern('/a/{id}/b', '/a/1/b/c')).toBe(true);
    expect(matchesPattern('/a/{id}/b', '/a/1/bc')).toBe(false);
    expect(matchesPattern('/a/{id}/b', '/a/1')).toBe(false);
  });
});
