import { ErrorCode } from '../protocol/error-codes';
import { CoordinatorConfig, GroupCoordinator, JoinRequest, JoinResult, Protocol } from './group-coordinator';

const SESSION_MS = 10_000;
const REBALANCE_MS = 30_000;

let coordinator: GroupCoordinator | null = null;

function make(config: Partial<CoordinatorConfig> = {}): GroupCoordinator {
  coordinator = new GroupCoordinator({
    minSessionTimeoutMs: 6000,
    maxSessionTimeoutMs: 300_000,
    initialRebalanceDelayMs: 0,
    ...config,
  });
  return coordinator;
}

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  coordinator?.shutdown();
  coordinator = null;
  jest.useRealTimers();
});

function proto(name: string, metadata: string | Buffer = name): Protocol {
  return { name, metadata: Buffer.isBuffer(metadata) ? metadata : Buffer.from(metadata) };
}

function req(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [proto('range')],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...over,
  };
}

/** Follows a result that may be a promise, so a test can tell whether it has resolved yet. */
function track<T>(result: Promise<T> | T): { done: boolean; value?: T } {
  const t: { done: boolean; value?: T } = { done: false };
  void Promise.resolve(result).then((v) => {
    t.done = true;
    t.value = v;
  });
  return t;
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function state(c: GroupCoordinator, groupId = 'g'): string {
  return c.describe(groupId).state;
}

interface Joined {
  memberId: string;
  request: JoinRequest;
  result: JoinResult;
}

/**
 * Brings members into group `g` one at a time, as real clients do: each newcomer's JoinGroup starts a
 * rebalance and every existing member rejoins. Returns the final generation's join results, in order.
 * Ends in CompletingRebalance (nobody has synced) unless `sync` is set.
 */
async function formGroup(c: GroupCoordinator, requests: Partial<JoinRequest>[], sync = false): Promise<Joined[]> {
  const members: Joined[] = [];
  for (const over of requests) {
    const request = req(over);
    const pending = [c.join(request), ...members.map((m) => c.join({ ...m.request, memberId: m.memberId }))];
    const results = await Promise.all(pending);
    for (const r of results) expect(r.errorCode).toBe(ErrorCode.NONE);
    members.push({ memberId: results[0].memberId, request, result: results[0] });
    results.slice(1).forEach((r, i) => (members[i].result = r));
  }
  if (sync) {
    const gen = members[0].result.generationId;
    const leader = members.find((m) => m.memberId === members[0].result.leader)!;
    const assignments = members.map((m) => ({ memberId: m.memberId, assignment: Buffer.from(`assignment-of-${m.memberId}`) }));
    const syncs = [leader, ...members.filter((m) => m !== leader)].map((m) => c.sync('g', gen, m.memberId, m === leader ? assignments : []));
    for (const s of await Promise.all(syncs)) expect(s.errorCode).toBe(ErrorCode.NONE);
    expect(state(c)).toBe('Stable');
  }
  return members;
}

describe('GroupCoordinator', () => {
  describe('JoinGroup v4+ (KIP-394)', () => {
    it('answers MEMBER_ID_REQUIRED with a new member id, then admits the member when it rejoins with it', async () => {
      const c = make();
      const first = c.join(req({ requireKnownMemberId: true, clientId: 'my-app' })) as JoinResult;
      expect(first).not.toBeInstanceOf(Promise);
      expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
      expect(first.memberId).toMatch(/^my-app-[0-9a-f-]{36}$/);
      expect(first.generationId).toBe(-1);
      // Not a member yet.
      expect(c.describe('g').members).toEqual([]);
      expect(c.heartbeat('g', 0, first.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);

      const second = await c.join(req({ requireKnownMemberId: true, clientId: 'my-app', memberId: first.memberId }));
      expect(second).toMatchObject({
        errorCode: ErrorCode.NONE,
        memberId: first.memberId,
        leader: first.memberId,
        generationId: 1,
        protocolName: 'range',
      });
      expect(c.describe('g').members.map((m) => m.memberId)).toEqual([first.memberId]);
    });

    it('gives each empty-id join a distinct member id', () => {
      const c = make();
      const ids = new Set(Array.from({ length: 5 }, () => (c.join(req({ requireKnownMemberId: true })) as JoinResult).memberId));
      expect(ids.size).toBe(5);
    });

    it('rejects an unknown member id', () => {
      const c = make();
      expect(c.join(req({ memberId: 'made-up', requireKnownMemberId: true }))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
      expect(c.join(req({ memberId: 'made-up' }))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
    });

    it('a rebalance waits for a member that was given an id; it is forgotten after its session timeout', async () => {
      const c = make();
      const [a] = await formGroup(c, [{}], true);
      const b = c.join(req({ requireKnownMemberId: true })) as JoinResult;
      expect(b.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
      // The leader rejoining starts a rebalance, which waits for the pending member.
      const aJoin = track(c.join({ ...a.request, memberId: a.memberId }));
      await flush();
      expect(aJoin.done).toBe(false);
      expect(state(c)).toBe('PreparingRebalance');
      jest.advanceTimersByTime(SESSION_MS - 1);
      await flush();
      expect(aJoin.done).toBe(false);
      jest.advanceTimersByTime(1);
      await flush();
      expect(aJoin.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
      expect(aJoin.value!.members.map((m) => m.memberId)).toEqual([a.memberId]);
      // Its id is no longer honoured.
      expect(c.join(req({ memberId: b.memberId, requireKnownMemberId: true }))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
    });
  });

  describe('JoinGroup results', () => {
    it('makes the first joiner the leader: it alone gets every member’s metadata, byte for byte', async () => {
      const c = make();
      // Binary metadata with bytes that survive no text round trip.
      const metaA = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x00]);
      const metaB = Buffer.from('{"json":"ünïcødé"}');
      const metaC = Buffer.alloc(5000, 0xc3);
      const members = await formGroup(c, [
        { clientId: 'a', protocols: [proto('range', metaA)] },
        { clientId: 'b', protocols: [proto('range', metaB)] },
        { clientId: 'c', protocols: [proto('range', metaC)] },
      ]);
      const [a, b, cc] = members;
      for (const m of members) {
        expect(m.result.leader).toBe(a.memberId);
        expect(m.result.generationId).toBe(3);
        expect(m.result.memberId).toBe(m.memberId);
        expect(m.result.protocolName).toBe('range');
      }
      expect(a.result.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId, cc.memberId].sort());
      const metaOf = (id: string) => a.result.members.find((m) => m.memberId === id)!.metadata;
      expect(metaOf(a.memberId).equals(metaA)).toBe(true);
      expect(metaOf(b.memberId).equals(metaB)).toBe(true);
      expect(metaOf(cc.memberId).equals(metaC)).toBe(true);
      expect(b.result.members).toEqual([]);
      expect(cc.result.members).toEqual([]);
    });

    it('hands the leader the metadata of the chosen protocol', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [
        { protocols: [proto('roundrobin', 'a-rr'), proto('range', 'a-range')] },
        { protocols: [proto('roundrobin', 'b-rr'), proto('range', 'b-range')] },
      ]);
      expect(a.result.protocolName).toBe('roundrobin');
      const meta = Object.fromEntries(a.result.members.map((m) => [m.memberId, m.metadata.toString()]));
      expect(meta).toEqual({ [a.memberId]: 'a-rr', [b.memberId]: 'b-rr' });
    });

    it('elects a new leader when the leader leaves', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{}, {}], true);
      expect(c.leave('g', [a.memberId])).toEqual([ErrorCode.NONE]);
      const res = await c.join({ ...b.request, memberId: b.memberId });
      expect(res).toMatchObject({ errorCode: ErrorCode.NONE, leader: b.memberId, generationId: 3 });
      expect(res.members.map((m) => m.memberId)).toEqual([b.memberId]);
    });

    it('a follower rejoining a stable group with unchanged metadata gets the current generation without a rebalance', async () => {
      const c = make();
      const [, b] = await formGroup(c, [{}, {}], true);
      const res = c.join({ ...b.request, memberId: b.memberId });
      expect(res).not.toBeInstanceOf(Promise);
      expect(res).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, members: [] });
      expect(state(c)).toBe('Stable');
    });

    it('a member rejoining with new metadata, or the leader rejoining, starts a rebalance', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{}, {}], true);
      void c.join({ ...b.request, memberId: b.memberId, protocols: [proto('range', 'new-subscription')] });
      expect(state(c)).toBe('PreparingRebalance');
      const [ra] = await Promise.all([c.join({ ...a.request, memberId: a.memberId })]);
      expect(ra.generationId).toBe(3);
      expect(ra.members.find((m) => m.memberId === b.memberId)!.metadata.toString()).toBe('new-subscription');

      await Promise.all([c.sync('g', 3, a.memberId, []), c.sync('g', 3, b.memberId, [])]);
      expect(state(c)).toBe('Stable');
      const leaderRejoin = track(c.join({ ...a.request, memberId: a.memberId }));
      expect(state(c)).toBe('PreparingRebalance');
      const followerRejoin = track(c.join({ ...b.request, memberId: b.memberId, protocols: [proto('range', 'new-subscription')] }));
      await flush();
      expect(leaderRejoin.value!.generationId).toBe(4);
      expect(followerRejoin.value!.generationId).toBe(4);
    });

    it('a member that missed its JoinGroup response gets the same generation again', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{}, {}]);
      expect(state(c)).toBe('CompletingRebalance');
      const again = c.join({ ...b.request, memberId: b.memberId }) as JoinResult;
      expect(again).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leader: a.memberId });
      expect(state(c)).toBe('CompletingRebalance');
    });

    it('a second JoinGroup from the same member supersedes the first, which gets REBALANCE_IN_PROGRESS', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{}, {}], true);
      const first = track(c.join({ ...a.request, memberId: a.memberId }));
      const second = track(c.join({ ...a.request, memberId: a.memberId }));
      await flush();
      expect(first.value).toMatchObject({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS });
      expect(second.done).toBe(false);
      await c.join({ ...b.request, memberId: b.memberId });
      await flush();
      expect(second.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 3 });
    });
  });

  describe('generations', () => {
    it('increment once per completed rebalance', async () => {
      const c = make();
      const gens: number[] = [];
      const [a] = await formGroup(c, [{}], true);
      gens.push(a.result.generationId);
      const [rb, ra] = await Promise.all([c.join(req()), c.join({ ...a.request, memberId: a.memberId })]);
      gens.push(ra.generationId, rb.generationId);
      c.leave('g', [rb.memberId]);
      gens.push((await c.join({ ...a.request, memberId: a.memberId })).generationId);
      c.leave('g', [a.memberId]);
      expect(state(c)).toBe('Empty');
      gens.push((await c.join(req())).generationId);
      expect(gens).toEqual([1, 2, 2, 3, 5]); // the last member leaving completes generation 4, empty
    });
  });

  describe('SyncGroup', () => {
    it('distributes the leader’s assignments: followers wait for the leader, each gets its own bytes', async () => {
      const c = make();
      const [a, b, cc] = await formGroup(c, [{}, {}, {}]);
      const bSync = track(c.sync('g', 3, b.memberId, []));
      await flush();
      expect(bSync.done).toBe(false);
      const assignA = Buffer.from([0, 1, 2, 0xff]);
      const assignB = Buffer.from('b-partitions');
      const aSync = await c.sync('g', 3, a.memberId, [
        { memberId: a.memberId, assignment: assignA },
        { memberId: b.memberId, assignment: assignB },
        // cc gets nothing: its assignment is empty
      ]);
      await flush();
      expect(aSync.errorCode).toBe(ErrorCode.NONE);
      expect(aSync.assignment.equals(assignA)).toBe(true);
      expect(bSync.value!.errorCode).toBe(ErrorCode.NONE);
      expect(bSync.value!.assignment.equals(assignB)).toBe(true);
      expect(state(c)).toBe('Stable');
      // A follower syncing after the leader gets its assignment at once.
      const late = c.sync('g', 3, cc.memberId, []);
      expect(late).not.toBeInstanceOf(Promise);
      expect(late).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.alloc(0) });
      // DescribeGroups shows the assignments once stable.
      const described = Object.fromEntries(c.describe('g').members.map((m) => [m.memberId, m.assignment.toString('hex')]));
      expect(described).toEqual({ [a.memberId]: assignA.toString('hex'), [b.memberId]: assignB.toString('hex'), [cc.memberId]: '' });
    });

    it('ignores assignments sent by a follower', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{}, {}]);
      const bSync = track(c.sync('g', 2, b.memberId, [{ memberId: b.memberId, assignment: Buffer.from('self-assigned') }]));
      await c.sync('g', 2, a.memberId, [{ memberId: b.memberId, assignment: Buffer.from('from-leader') }]);
      await flush();
      expect(bSync.value!.assignment.toString()).toBe('from-leader');
    });

    it('answers a waiting follower REBALANCE_IN_PROGRESS when a new rebalance starts first', async () => {
      const c = make();
      const [, b] = await formGroup(c, [{}, {}]);
      const bSync = track(c.sync('g', 2, b.memberId, []));
      void c.join(req());
      await flush();
      expect(bSync.value).toEqual({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
      expect(c.sync('g', 2, b.memberId, [])).toEqual({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
    });

    it('rejects unknown groups and members (UNKNOWN_MEMBER_ID) and stale generations (ILLEGAL_GENERATION)', async () => {
      const c = make();
      const [a] = await formGroup(c, [{}]);
      expect(c.sync('nope', 1, a.memberId, [])).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
      expect(c.sync('g', 1, 'stranger', [])).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
      expect(c.sync('g', 0, a.memberId, [])).toMatchObject({ errorCode: ErrorCode.ILLEGAL_GENERATION });
      expect(c.sync('g', 2, a.memberId, [])).toMatchObject({ errorCode: ErrorCode.ILLEGAL_GENERATION });
      expect(await c.sync('g', 1, a.memberId, [])).toMatchObject({ errorCode: ErrorCode.NONE });
    });
  });

  describe('Heartbeat', () => {
    it('is NONE when stable or completing, REBALANCE_IN_PROGRESS (27) while preparing a rebalance', async () => {
      const c = make();
      const [a] = await formGroup(c, [{}]);
      expect(state(c)).toBe('CompletingRebalance');
      expect(c.heartbeat('g', 1, a.memberId)).toBe(ErrorCode.NONE);
      await c.sync('g', 1, a.memberId, []);
      expect(c.heartbeat('g', 1, a.memberId)).toBe(ErrorCode.NONE);
      const b = track(c.join(req()));
      expect(state(c)).toBe('PreparingRebalance');
      expect(c.heartbeat('g', 1, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect(c.heartbeat('g', 1, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      await c.join({ ...a.request, memberId: a.memberId });
      await flush();
      expect(b.value!.generationId).toBe(2);
      expect(c.heartbeat('g', 2, a.memberId)).toBe(ErrorCode.NONE);
    });

    it('rejects unknown members (25) and wrong generations (22)', async () => {
      const c = make();
      const [a] = await formGroup(c, [{}], true);
      expect(c.heartbeat('g', 1, 'stranger')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect(c.heartbeat('other-group', 1, a.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect(c.heartbeat('g', 0, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect(c.heartbeat('g', 2, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect(c.heartbeat('g', -1, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect(c.heartbeat('g', 1, a.memberId)).toBe(ErrorCode.NONE);
    });
  });

  describe('session timeouts', () => {
    it('expire a silent member and rebalance the rest; heartbeats keep a member alive', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{}, {}], true);
      // a heartbeats every 3 s; b stays silent.
      for (let t = 0; t < SESSION_MS - 3000; t += 3000) {
        jest.advanceTimersByTime(3000);
        expect(c.heartbeat('g', 2, a.memberId)).toBe(ErrorCode.NONE);
      }
      expect(state(c)).toBe('Stable');
      jest.advanceTimersByTime(3000); // 12 s since b was last heard from
      expect(state(c)).toBe('PreparingRebalance');
      expect(c.describe('g').members.map((m) => m.memberId)).toEqual([a.memberId]);
      expect(c.heartbeat('g', 2, b.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect(c.heartbeat('g', 2, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      const res = await c.join({ ...a.request, memberId: a.memberId });
      expect(res).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 3, leader: a.memberId });
      expect(res.members.map((m) => m.memberId)).toEqual([a.memberId]);
    });

    it('honour each member’s own session timeout, counted from its last request', async () => {
      const c = make();
      const [a] = await formGroup(c, [{ sessionTimeoutMs: 20_000 }], true);
      jest.advanceTimersByTime(19_999);
      expect(state(c)).toBe('Stable');
      expect(c.validateCommit('g', 1, a.memberId)).toBe(ErrorCode.NONE); // an offset commit is a sign of life too
      jest.advanceTimersByTime(19_999);
      expect(state(c)).toBe('Stable');
      jest.advanceTimersByTime(1);
      // The only member is gone: the group completes an empty generation.
      expect(state(c)).toBe('Empty');
      expect(c.describe('g').members).toEqual([]);
    });

    it('a member waiting in JoinGroup is not expired; one that never rejoins is dropped after the rebalance timeout', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{ rebalanceTimeoutMs: 40_000 }, {}], true);
      const bJoin = track(c.join({ ...b.request, memberId: b.memberId, protocols: [proto('range', 'changed')] }));
      // a keeps heartbeating (getting 27) but never rejoins.
      for (let t = 0; t < 39_000; t += 3000) {
        jest.advanceTimersByTime(3000);
        expect(c.heartbeat('g', 2, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      }
      await flush();
      expect(bJoin.done).toBe(false);
      jest.advanceTimersByTime(1000);
      await flush();
      expect(bJoin.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 3, leader: b.memberId });
      expect(bJoin.value!.members.map((m) => m.memberId)).toEqual([b.memberId]);
      expect(c.heartbeat('g', 3, a.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    });
  });

  describe('LeaveGroup', () => {
    it('removes the member and starts a rebalance', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{}, {}], true);
      expect(c.leave('g', [b.memberId])).toEqual([ErrorCode.NONE]);
      expect(state(c)).toBe('PreparingRebalance');
      expect(c.heartbeat('g', 2, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect(c.heartbeat('g', 2, b.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      const res = await c.join({ ...a.request, memberId: a.memberId });
      expect(res).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 3 });
      expect(res.members.map((m) => m.memberId)).toEqual([a.memberId]);
    });

    it('completes a pending rebalance when the member everyone waits for leaves', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{}, {}], true);
      const aJoin = track(c.join({ ...a.request, memberId: a.memberId }));
      await flush();
      expect(aJoin.done).toBe(false);
      c.leave('g', [b.memberId]);
      await flush();
      expect(aJoin.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 3 });
    });

    it('answers a member’s own waiting JoinGroup with UNKNOWN_MEMBER_ID', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{}, {}], true);
      const aJoin = track(c.join({ ...a.request, memberId: a.memberId }));
      c.leave('g', [a.memberId]);
      await flush();
      expect(aJoin.value).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
      const res = await c.join({ ...b.request, memberId: b.memberId });
      expect(res).toMatchObject({ errorCode: ErrorCode.NONE, leader: b.memberId });
    });

    it('answers per member: unknown members and groups get UNKNOWN_MEMBER_ID', async () => {
      const c = make();
      const [a] = await formGroup(c, [{}], true);
      expect(c.leave('nope', ['x'])).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
      expect(c.leave('g', ['stranger', a.memberId])).toEqual([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE]);
      expect(state(c)).toBe('Empty');
    });

    it('a pending (v4, id-assigned) member may leave', () => {
      const c = make();
      const pending = c.join(req({ requireKnownMemberId: true })) as JoinResult;
      expect(c.leave('g', [pending.memberId])).toEqual([ErrorCode.NONE]);
      expect(c.join(req({ memberId: pending.memberId, requireKnownMemberId: true }))).toMatchObject({
        errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
      });
    });
  });

  describe('protocols', () => {
    it('rejects a member whose protocol type or protocols the group cannot use (INCONSISTENT_GROUP_PROTOCOL)', async () => {
      const c = make();
      const [a, b] = await formGroup(c, [{ protocols: [proto('range'), proto('roundrobin')] }, { protocols: [proto('range')] }], true);
      expect(c.join(req({ protocols: [proto('sticky')] }))).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL });
      expect(c.join(req({ protocolType: 'connect' }))).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL });
      expect(c.join(req({ protocols: [] }))).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL });
      expect(c.join(req({ protocols: [proto('sticky')], requireKnownMemberId: true }))).toMatchObject({
        errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      });
      // An existing member may not switch to something the others do not support.
      expect(c.join({ ...a.request, memberId: a.memberId, protocols: [proto('roundrobin')] })).toMatchObject({
        errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      });
      expect(c.join({ ...b.request, memberId: b.memberId, protocolType: 'other' })).toMatchObject({
        errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      });
      expect(state(c)).toBe('Stable');
      // A compatible newcomer is fine.
      expect(c.join(req({ protocols: [proto('sticky'), proto('range')] }))).toBeInstanceOf(Promise);
    });

    it('an empty group accepts any non-empty protocol list', async () => {
      const c = make();
      expect(c.join(req({ groupId: 'fresh', protocols: [] }))).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL });
      const res = await c.join(req({ groupId: 'fresh', protocolType: 'connect', protocols: [proto('anything')] }));
      expect(res).toMatchObject({ errorCode: ErrorCode.NONE, protocolName: 'anything' });
      expect(c.describe('fresh').protocolType).toBe('connect');
    });

    it('selects the protocol by votes: each member votes for its most preferred protocol that all support', async () => {
      const c = make();
      const members = await formGroup(c, [
        { protocols: [proto('roundrobin'), proto('range'), proto('sticky')] },
        { protocols: [proto('range'), proto('roundrobin')] },
        { protocols: [proto('sticky'), proto('range'), proto('roundrobin')] },
        { protocols: [proto('range'), proto('roundrobin')] },
      ]);
      // sticky is not supported by everyone; range has three votes (the third member falls back to it).
      for (const m of members) expect(m.result.protocolName).toBe('range');
    });

    it('the majority preference wins even against the leader’s first choice', async () => {
      const c = make();
      const members = await formGroup(c, [
        { protocols: [proto('cooperative-sticky'), proto('roundrobin')] },
        { protocols: [proto('roundrobin'), proto('cooperative-sticky')] },
        { protocols: [proto('roundrobin'), proto('cooperative-sticky')] },
      ]);
      expect(members.map((m) => m.result.protocolName)).toEqual(['roundrobin', 'roundrobin', 'roundrobin']);
      await Promise.all(members.map((m) => c.sync('g', 3, m.memberId, [])));
      expect(c.describe('g').protocol).toBe('roundrobin');
    });
  });

  describe('validateCommit (OffsetCommit rules)', () => {
    it('lets a group with no members commit with generation -1', () => {
      const c = make();
      expect(c.validateCommit('offsets-only', -1, '')).toBe(ErrorCode.NONE);
      expect(c.has('offsets-only')).toBe(true);
      expect(c.validateCommit('offsets-only', -1, 'whoever')).toBe(ErrorCode.NONE);
      // A generation that cannot exist for an unknown group.
      expect(c.validateCommit('never-seen', 0, '')).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect(c.has('never-seen')).toBe(false);
    });

    it('follows Kafka’s order of checks for a group with members', async () => {
      const c = make();
      const [a] = await formGroup(c, [{}]);
      // CompletingRebalance: REBALANCE_IN_PROGRESS, whatever else is wrong.
      expect(c.validateCommit('g', 1, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect(c.validateCommit('g', -1, 'stranger')).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      await c.sync('g', 1, a.memberId, []);
      // Stable
      expect(c.validateCommit('g', -1, '')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect(c.validateCommit('g', 1, 'stranger')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect(c.validateCommit('g', 0, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect(c.validateCommit('g', 2, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect(c.validateCommit('g', 1, a.memberId)).toBe(ErrorCode.NONE);
      // PreparingRebalance: a current member may still commit for the generation it has.
      void c.join(req());
      expect(state(c)).toBe('PreparingRebalance');
      expect(c.validateCommit('g', 1, a.memberId)).toBe(ErrorCode.NONE);
      expect(c.validateCommit('g', 2, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
    });

    it('once every member has left, only generation -1 commits are accepted', async () => {
      const c = make();
      const [a] = await formGroup(c, [{}], true);
      c.leave('g', [a.memberId]);
      expect(state(c)).toBe('Empty');
      expect(c.validateCommit('g', -1, '')).toBe(ErrorCode.NONE);
      expect(c.validateCommit('g', 1, a.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    });

    it('refuses everything after shutdown (COORDINATOR_NOT_AVAILABLE)', async () => {
      const c = make();
      await formGroup(c, [{}], true);
      c.shutdown();
      expect(c.validateCommit('g', -1, '')).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      expect(c.join(req())).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
    });
  });

  describe('initial rebalance delay', () => {
    it('holds the first rebalance of an empty group open so later joiners make the same generation', async () => {
      const c = make({ initialRebalanceDelayMs: 3000 });
      const a = track(c.join(req({ clientId: 'a' })));
      jest.advanceTimersByTime(1000);
      const b = track(c.join(req({ clientId: 'b' })));
      jest.advanceTimersByTime(1999);
      await flush();
      expect(a.done).toBe(false);
      expect(b.done).toBe(false);
      expect(state(c)).toBe('PreparingRebalance');
      jest.advanceTimersByTime(1);
      await flush();
      expect(a.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
      expect(b.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
      expect(a.value!.leader).toBe(a.value!.memberId);
      expect(a.value!.members).toHaveLength(2);
      expect(b.value!.members).toEqual([]);
    });

    it('does not delay later rebalances of a non-empty group', async () => {
      const c = make({ initialRebalanceDelayMs: 3000 });
      const a = track(c.join(req()));
      jest.advanceTimersByTime(3000);
      await flush();
      const first = a.value!;
      await c.sync('g', 1, first.memberId, []);
      const b = track(c.join(req()));
      const again = track(c.join({ ...req(), memberId: first.memberId }));
      await flush();
      expect(b.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
      expect(again.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
    });

    it('applies again once the group has emptied', async () => {
      const c = make({ initialRebalanceDelayMs: 500 });
      const a = track(c.join(req()));
      jest.advanceTimersByTime(500);
      await flush();
      c.leave('g', [a.value!.memberId]);
      expect(state(c)).toBe('Empty');
      const b = track(c.join(req()));
      await flush();
      expect(b.done).toBe(false);
      jest.advanceTimersByTime(500);
      await flush();
      expect(b.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 3 });
    });
  });

  describe('request validation', () => {
    it('rejects session timeouts outside the configured range (INVALID_SESSION_TIMEOUT)', async () => {
      const c = make({ minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 300_000 });
      for (const sessionTimeoutMs of [0, -1, 5999, 300_001, 2 ** 31 - 1]) {
        expect(c.join(req({ sessionTimeoutMs }))).toMatchObject({ errorCode: ErrorCode.INVALID_SESSION_TIMEOUT, generationId: -1 });
        expect(c.join(req({ sessionTimeoutMs, requireKnownMemberId: true }))).toMatchObject({
          errorCode: ErrorCode.INVALID_SESSION_TIMEOUT,
        });
      }
      expect(c.has('g')).toBe(false);
      expect((await c.join(req({ groupId: 'low', sessionTimeoutMs: 6000 }))).errorCode).toBe(ErrorCode.NONE);
      expect((await c.join(req({ groupId: 'high', sessionTimeoutMs: 300_000 }))).errorCode).toBe(ErrorCode.NONE);
    });

    it('rejects an empty group id (INVALID_GROUP_ID)', () => {
      const c = make();
      expect(c.join(req({ groupId: '' }))).toMatchObject({ errorCode: ErrorCode.INVALID_GROUP_ID });
    });
  });

  describe('describe, list and shutdown', () => {
    it('describes members with metadata and assignment only once stable', async () => {
      const c = make();
      const [a] = await formGroup(c, [{ clientId: 'svc', clientHost: '/10.0.0.1', protocols: [proto('range', 'meta')] }]);
      expect(c.describe('g')).toMatchObject({ state: 'CompletingRebalance', protocolType: 'consumer', protocol: '' });
      expect(c.describe('g').members[0].metadata).toEqual(Buffer.alloc(0));
      await c.sync('g', 1, a.memberId, [{ memberId: a.memberId, assignment: Buffer.from('asg') }]);
      expect(c.describe('g')).toEqual({
        groupId: 'g',
        state: 'Stable',
        protocolType: 'consumer',
        protocol: 'range',
        members: [
          {
            memberId: a.memberId,
            groupInstanceId: null,
            clientId: 'svc',
            clientHost: '/10.0.0.1',
            metadata: Buffer.from('meta'),
            assignment: Buffer.from('asg'),
          },
        ],
      });
      expect(c.describe('unknown')).toMatchObject({ state: 'Dead', members: [] });
      expect(c.list()).toEqual([{ groupId: 'g', protocolType: 'consumer' }]);
    });

    it('shutdown answers waiting joins and syncs with COORDINATOR_NOT_AVAILABLE and clears every timer', async () => {
      const c = make();
      const [, b] = await formGroup(c, [{}, {}]);
      const bSync = track(c.sync('g', 2, b.memberId, []));
      // Group h: y's join waits for x, the leader, to rejoin.
      await c.join(req({ groupId: 'h' }));
      const yJoin = track(c.join(req({ groupId: 'h' })));
      const pendingId = track(c.join(req({ groupId: 'i', requireKnownMemberId: true })));
      await flush();
      expect(bSync.done).toBe(false);
      expect(yJoin.done).toBe(false);
      expect(pendingId.value).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED });
      expect(jest.getTimerCount()).toBeGreaterThan(0);
      c.shutdown();
      await flush();
      expect(bSync.value).toEqual({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: Buffer.alloc(0) });
      expect(yJoin.value).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
      expect(jest.getTimerCount()).toBe(0);
      expect(c.describe('g').state).toBe('Dead');
    });
  });
});
