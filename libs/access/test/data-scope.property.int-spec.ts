import { randomUUID } from 'node:crypto';
import { DepartmentData, UserData, UserUpdated } from '@crm/contracts';
import { DATA_SCOPES, DataAction, DataScope } from '@crm/contracts';
import { Caller, canAccess } from '../src';
import { DataScopeFixture, callerOf } from './data-scope.fixture';

/** mulberry32: a small seeded PRNG, so a failure replays with the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Share {
  recordId: string;
  userId: string | null;
  departmentId: string | null;
  access: 'read' | 'edit';
  expired: boolean;
}

/** The rules written plainly, over the same data in memory: what the SQL condition must equal. */
function reference(
  caller: Caller,
  scopes: DataScope[],
  action: DataAction,
  org: { users: UserData[]; departments: DepartmentData[] },
  records: { id: string; ownerId: string | null }[],
  shares: Share[],
  collaborators: { recordId: string; userId: string }[],
): Set<string> {
  const owners = new Set<string>([caller.userId]);
  const path = (id: string) => org.departments.find((d) => d.id === id)?.path;
  for (const scope of scopes) {
    if (scope === 'ALL') return new Set(records.map((r) => r.id));
    if (scope === 'DEPARTMENT') org.users.filter((u) => u.departmentId === caller.departmentId).forEach((u) => owners.add(u.id));
    if (scope === 'DEPARTMENT_AND_SUBDEPARTMENTS') {
      const mine = path(caller.departmentId);
      if (mine) org.users.filter((u) => path(u.departmentId)?.startsWith(mine)).forEach((u) => owners.add(u.id));
    }
    if (scope === 'SELF_AND_SUBORDINATES') {
      const seen = new Set([caller.userId]);
      for (let frontier = [caller.userId]; frontier.length; ) {
        frontier = org.users.filter((u) => u.superiorId && frontier.includes(u.superiorId) && !seen.has(u.id)).map((u) => u.id);
        frontier.forEach((id) => (seen.add(id), owners.add(id)));
      }
    }
  }
  const granted = new Set([
    ...shares
      .filter((s) => !s.expired && (s.userId === caller.userId || s.departmentId === caller.departmentId) && (action !== 'edit' || s.access === 'edit'))
      .map((s) => s.recordId),
    ...collaborators.filter((c) => c.userId === caller.userId).map((c) => c.recordId),
  ]);
  return new Set(records.filter((r) => (r.ownerId !== null && owners.has(r.ownerId)) || granted.has(r.id)).map((r) => r.id));
}

describe('data scopes: the SQL condition equals a plain in-memory reference on random organisations', () => {
  const SEED = Number(process.env.DATA_SCOPE_SEED ?? 20250401);
  const random = prng(SEED);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const T = randomUUID();
  let f: DataScopeFixture;
  const departments: DepartmentData[] = [];
  const users: UserData[] = [];
  const records: { id: string; ownerId: string | null }[] = [];
  const shares: Share[] = [];
  const collaborators: { recordId: string; userId: string }[] = [];

  beforeAll(async () => {
    f = await DataScopeFixture.start('access_property');
    // A random tree of 30 departments, several levels deep.
    departments.push(await f.department(T, 'root'));
    for (let i = 1; i < 30; i++) departments.push(await f.department(T, `d${i}`, pick(departments)));
    // 200 users; superiors mostly earlier users (chains), some anywhere (cross-department, even cycles), some none.
    for (let i = 0; i < 200; i++) users.push(await f.user(T, `u${i}`, pick(departments), i > 0 && random() < 0.85 ? pick(users) : undefined));
    for (const u of users.filter(() => random() < 0.05)) {
      const superior = pick(users);
      await f.apply(UserUpdated, T, u.id, { ...u, superiorId: superior.id }, new Date(Date.now() + 1000));
      u.superiorId = superior.id;
    }
    for (let i = 0; i < 2000; i++) records.push({ id: randomUUID(), ownerId: random() < 0.03 ? null : pick(users).id });
    await f.ds.query('INSERT INTO records (id, tenant_id, owner_id) SELECT unnest($1::uuid[]), $2, unnest($3::uuid[])', [records.map((r) => r.id), T, records.map((r) => r.ownerId)]);
    // Another tenant's records owned by its own users: never in any answer.
    const foreignDept = await f.department(randomUUID(), 'foreign');
    const foreigner = await f.user(foreignDept.tenantId, 'foreigner', foreignDept);
    for (let i = 0; i < 50; i++) await f.record(foreignDept.tenantId, foreigner.id);
    for (let i = 0; i < 150; i++) {
      const toUser = random() < 0.6;
      shares.push({
        recordId: pick(records).id,
        userId: toUser ? pick(users).id : null,
        departmentId: toUser ? null : pick(departments).id,
        access: random() < 0.5 ? 'read' : 'edit',
        expired: random() < 0.25,
      });
    }
    for (const s of shares) {
      await f.ds.query(
        `INSERT INTO record_shares (id, tenant_id, object, record_id, user_id, department_id, access, expires_at, created_by)
         VALUES ($1, $2, 'customer', $3, $4, $5, $6, now() + $7 * interval '1 hour', $8) ON CONFLICT DO NOTHING`,
        [randomUUID(), T, s.recordId, s.userId, s.departmentId, s.access, s.expired ? -1 : 1, users[0].id],
      );
    }
    // Duplicates (same record and grantee) keep the first row, as ON CONFLICT DO NOTHING did.
    const firsts = new Map<string, Share>();
    for (const s of shares) if (!firsts.has(`${s.recordId}/${s.userId}/${s.departmentId}`)) firsts.set(`${s.recordId}/${s.userId}/${s.departmentId}`, s);
    shares.splice(0, shares.length, ...firsts.values());
    for (let i = 0; i < 100; i++) collaborators.push({ recordId: pick(records).id, userId: pick(users).id });
    for (const c of collaborators) {
      await f.ds.query(`INSERT INTO record_collaborators (tenant_id, object, record_id, user_id) VALUES ($1, 'customer', $2, $3) ON CONFLICT DO NOTHING`, [T, c.recordId, c.userId]);
    }
    for (const scope of DATA_SCOPES) {
      await f.rules(T, `r-${scope}`, (['query', 'view', 'edit'] as const).map((action) => ({ object: 'customer', action, scope })));
    }
  }, 120_000);

  afterAll(() => f?.close());

  it(`agrees for 50 random callers × 5 scopes, and for random role combinations (seed ${SEED})`, async () => {
    const org = { users, departments };
    let nonTrivial = 0;
    for (let i = 0; i < 50; i++) {
      const who = pick(users);
      const action = pick(['query', 'view', 'edit'] as const);
      const combos: DataScope[][] = [...DATA_SCOPES.map((s) => [s]), [pick([...DATA_SCOPES]), pick([...DATA_SCOPES])]];
      for (const scopes of combos) {
        const caller = callerOf(who, scopes.map((s) => `r-${s}`));
        const expected = [...reference(caller, scopes, action, org, records, shares, collaborators)].sort();
        const actual = await f.visible(caller, 'customer', action);
        expect({ seed: SEED, caller: who.username, scopes, action, ids: actual }).toEqual({ seed: SEED, caller: who.username, scopes, action, ids: expected });
        if (expected.length > 1 && expected.length < records.length) nonTrivial++;
      }
      // Single records: canAccess agrees on a sample of them.
      const scopes = [pick([...DATA_SCOPES])];
      const caller = callerOf(who, scopes.map((s) => `r-${s}`));
      const expected = reference(caller, scopes, action, org, records, shares, collaborators);
      for (const r of [records[i], records[i + 1000], ...shares.slice(i, i + 2).map((s) => records.find((x) => x.id === s.recordId)!)]) {
        expect([r.id, await canAccess(f.ds.manager, caller, { object: 'customer', action, recordId: r.id, ownerId: r.ownerId })]).toEqual([r.id, expected.has(r.id)]);
      }
    }
    expect(nonTrivial).toBeGreaterThan(100); // the random org exercises the scopes, not only empty or full answers
  }, 120_000);
});
