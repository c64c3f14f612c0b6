import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes';

/** Group states as Kafka's classic coordinator names them (DescribeGroups shows these strings). */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: Protocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a member with no id is first given one and must rejoin with it (KIP-394). */
  requireKnownMemberId: boolean;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface MemberSummary {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export interface GroupSummary {
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocol: string;
  members: MemberSummary[];
}

export interface CoordinatorConfig {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** Wait this long after the first member joins an empty group before completing the rebalance. */
  initialRebalanceDelayMs: number;
}

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  assignment: Buffer;
  awaitingJoin: ((r: JoinResult) => void) | null;
  awaitingSync: ((r: { errorCode: number; assignment: Buffer }) => void) | null;
  sessionTimer: NodeJS.Timeout | null;
}

const EMPTY = Buffer.alloc(0);

class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  rebalanceTimer: NodeJS.Timeout | null = null;
  initialDelayUntil = 0;

  constructor(readonly groupId: string) {}

  supportsProtocols(protocolType: string, protocols: Protocol[]): boolean {
    if (this.members.size === 0) return protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    return protocols.some((p) => [...this.members.values()].every((m) => m.protocols.some((mp) => mp.name === p.name)));
  }

  /** Each member votes for its most preferred protocol that every member supports (as Kafka does). */
  selectProtocol(): string {
    const members = [...this.members.values()];
    const candidates = members[0].protocols
      .map((p) => p.name)
      .filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
    const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
    for (const m of members) {
      const choice = m.protocols.find((p) => votes.has(p.name))!.name;
      votes.set(choice, votes.get(choice)! + 1);
    }
    let best = candidates[0];
    for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c;
    return best;
  }
}

/**
 * Kafka's classic consumer-group protocol for a single broker: JoinGroup / SyncGroup / Heartbeat /
 * LeaveGroup, generations, session expiry and rebalancing. Member metadata and assignments are
 * opaque bytes passed through unchanged (NestJS, for one, puts JSON in them).
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly config: CoordinatorConfig) {}

  join(req: JoinRequest): Promise<JoinResult> | JoinResult {
    const fail = (errorCode: number, memberId = req.memberId): JoinResult => ({
      errorCode,
      generationId: -1,
      protocolName: '',
      leader: '',
      memberId,
      members: [],
    });
    if (!req.groupId) return fail(ErrorCode.INVALID_GROUP_ID);
    if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    let group = this.groups.get(req.groupId);
    if (!group) this.groups.set(req.groupId, (group = new Group(req.groupId)));
    if (group.state === 'Dead') return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);

    if (req.memberId === '') {
      if (!group.supportsProtocols(req.protocolType, req.protocols)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      const memberId = `${req.clientId}-${randomUUID()}`;
      if (req.requireKnownMemberId) {
        const g = group;
        group.pendingMembers.set(
          memberId,
          setTimeout(() => this.expirePending(g, memberId), req.sessionTimeoutMs),
        );
        return fail(ErrorCode.MEMBER_ID_REQUIRED, memberId);
      }
      return this.addMemberAndRebalance(group, memberId, req);
    }

    const pending = group.pendingMembers.get(req.memberId);
    if (pending) {
      clearTimeout(pending);
      group.pendingMembers.delete(req.memberId);
      if (!group.supportsProtocols(req.protocolType, req.protocols)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      return this.addMemberAndRebalance(group, req.memberId, req);
    }
    const member = group.members.get(req.memberId);
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (!this.otherMembersSupport(group, member, req)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    const sameMetadata = sameProtocols(member.protocols, req.protocols);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndWait(group, member, req);
      case 'CompletingRebalance':
        // A member that missed its JoinGroup response: hand back the current generation.
        if (sameMetadata) return this.joinResultFor(group, member);
        return this.updateMemberAndRebalance(group, member, req);
      case 'Stable':
        if (member.memberId === group.leaderId || !sameMetadata) return this.updateMemberAndRebalance(group, member, req);
        return this.joinResultFor(group, member);
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  sync(
    groupId: string,
    generationId: number,
    memberId: string,
    assignments: { memberId: string; assignment: Buffer }[],
  ): Promise<{ errorCode: number; assignment: Buffer }> | { errorCode: number; assignment: Buffer } {
    const fail = (errorCode: number) => ({ errorCode, assignment: EMPTY });
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    switch (group.state) {
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        this.touch(group, member);
        return { errorCode: ErrorCode.NONE, assignment: member.assignment };
      case 'CompletingRebalance':
        this.touch(group, member);
        return new Promise((resolve) => {
          // A repeated SyncGroup supersedes the earlier one, which must still get an answer.
          member.awaitingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
          member.awaitingSync = resolve;
          if (memberId !== group.leaderId) return;
          const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
          for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY;
          group.state = 'Stable';
          for (const m of group.members.values()) {
            const waiter = m.awaitingSync;
            m.awaitingSync = null;
            waiter?.({ errorCode: ErrorCode.NONE, assignment: m.assignment });
          }
        });
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(group, member);
    if (group.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  /** Removes members; answers one error code per member id. */
  leave(groupId: string, memberIds: string[]): number[] {
    const group = this.groups.get(groupId);
    return memberIds.map((memberId) => {
      if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
      const pending = group.pendingMembers.get(memberId);
      if (pending) {
        clearTimeout(pending);
        group.pendingMembers.delete(memberId);
        this.maybeCompleteJoin(group);
        return ErrorCode.NONE;
      }
      const member = group.members.get(memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeMember(group, member);
      return ErrorCode.NONE;
    });
  }

  /**
   * Kafka's rules for OffsetCommit: a group that only stores offsets (generation -1) may commit
   * while it has no members; otherwise the member and generation must be current and the group
   * must not be waiting for its assignment.
   */
  validateCommit(groupId: string, generationId: number, memberId: string): number {
    let group = this.groups.get(groupId);
    if (!group) {
      if (generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      this.groups.set(groupId, (group = new Group(groupId)));
    }
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.state === 'Empty') return ErrorCode.NONE;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(group, member);
    return ErrorCode.NONE;
  }

  describe(groupId: string): GroupSummary {
    const group = this.groups.get(groupId);
    if (!group) return { groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
    const stable = group.state === 'Stable';
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? protocolMetadata(m, group.protocolName!) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  list(): { groupId: string; protocolType: string }[] {
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '' }));
  }

  has(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  /** Ensures a group that only stores offsets (known from the offset log) is listed. */
  registerOffsetOnlyGroup(groupId: string): void {
    if (!this.groups.has(groupId)) this.groups.set(groupId, new Group(groupId));
  }

  shutdown(): void {
    for (const group of this.groups.values()) {
      if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
      for (const t of group.pendingMembers.values()) clearTimeout(t);
      for (const m of group.members.values()) {
        if (m.sessionTimer) clearTimeout(m.sessionTimer);
        m.awaitingJoin?.(this.errorJoin(m.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
        m.awaitingSync?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
      }
      group.state = 'Dead';
    }
  }

  // --- rebalancing -------------------------------------------------------------------------

  private addMemberAndRebalance(group: Group, memberId: string, req: JoinRequest): Promise<JoinResult> {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: EMPTY,
      awaitingJoin: null,
      awaitingSync: null,
      sessionTimer: null,
    };
    if (group.members.size === 0) group.protocolType = req.protocolType;
    group.members.set(memberId, member);
    if (!group.leaderId) group.leaderId = memberId;
    const result = new Promise<JoinResult>((resolve) => (member.awaitingJoin = resolve));
    this.stopSessionTimer(member);
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    else this.prepareRebalance(group);
    return result;
  }

  private updateMemberAndWait(group: Group, member: Member, req: JoinRequest): Promise<JoinResult> {
    this.updateMember(member, req);
    const result = new Promise<JoinResult>((resolve) => (member.awaitingJoin = resolve));
    this.stopSessionTimer(member);
    this.maybeCompleteJoin(group);
    return result;
  }

  private updateMemberAndRebalance(group: Group, member: Member, req: JoinRequest): Promise<JoinResult> {
    this.updateMember(member, req);
    const result = new Promise<JoinResult>((resolve) => (member.awaitingJoin = resolve));
    this.stopSessionTimer(member);
    this.prepareRebalance(group);
    return result;
  }

  private updateMember(member: Member, req: JoinRequest): void {
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    // A rejoin supersedes an earlier JoinGroup still waiting on another connection.
    member.awaitingJoin?.(this.errorJoin(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingJoin = null;
  }

  private prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        const waiter = m.awaitingSync;
        m.awaitingSync = null;
        waiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      }
    }
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    const rebalanceTimeout = Math.max(0, ...[...group.members.values()].map((m) => m.rebalanceTimeoutMs));
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = setTimeout(() => this.onRebalanceTimeout(group), rebalanceTimeout);
    if (wasEmpty && this.config.initialRebalanceDelayMs > 0) {
      group.initialDelayUntil = Date.now() + this.config.initialRebalanceDelayMs;
      setTimeout(() => {
        group.initialDelayUntil = 0;
        this.maybeCompleteJoin(group);
      }, this.config.initialRebalanceDelayMs);
      return;
    }
    this.maybeCompleteJoin(group);
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || group.initialDelayUntil > 0) return;
    if (group.pendingMembers.size > 0) return;
    for (const m of group.members.values()) if (!m.awaitingJoin) return;
    this.completeJoin(group);
  }

  private onRebalanceTimeout(group: Group): void {
    group.rebalanceTimer = null;
    if (group.state !== 'PreparingRebalance') return;
    // Members that did not rejoin in time are dropped from the new generation.
    for (const m of [...group.members.values()]) if (!m.awaitingJoin) this.dropMember(group, m);
    for (const [id, t] of group.pendingMembers) {
      clearTimeout(t);
      group.pendingMembers.delete(id);
    }
    group.initialDelayUntil = 0;
    this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.protocolType = null;
      group.leaderId = null;
      return;
    }
    group.protocolName = group.selectProtocol();
    if (!group.leaderId || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!;
    group.state = 'CompletingRebalance';
    for (const m of group.members.values()) {
      const waiter = m.awaitingJoin;
      m.awaitingJoin = null;
      this.touch(group, m);
      waiter?.(this.joinResultFor(group, m));
    }
  }

  private joinResultFor(group: Group, member: Member): JoinResult {
    const isLeader = member.memberId === group.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolName: group.protocolName!,
      leader: group.leaderId!,
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: protocolMetadata(m, group.protocolName!),
          }))
        : [],
    };
  }

  private removeMember(group: Group, member: Member): void {
    this.dropMember(group, member);
    member.awaitingJoin?.(this.errorJoin(member.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    member.awaitingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    else if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group);
  }

  private dropMember(group: Group, member: Member): void {
    this.stopSessionTimer(member);
    group.members.delete(member.memberId);
    if (group.leaderId === member.memberId) group.leaderId = null;
  }

  private expirePending(group: Group, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    this.maybeCompleteJoin(group);
  }

  private otherMembersSupport(group: Group, member: Member, req: JoinRequest): boolean {
    if (group.protocolType !== req.protocolType) return false;
    const others = [...group.members.values()].filter((m) => m !== member);
    return req.protocols.some((p) => others.every((m) => m.protocols.some((mp) => mp.name === p.name)));
  }

  /** Restarts the member's session timer: any request from it counts as a sign of life. */
  private touch(group: Group, member: Member): void {
    this.stopSessionTimer(member);
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) === member && !member.awaitingJoin) this.removeMember(group, member);
    }, member.sessionTimeoutMs);
  }

  private stopSessionTimer(member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
  }

  private errorJoin(memberId: string, errorCode: number): JoinResult {
    return { errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
  }
}

function protocolMetadata(member: Member, protocolName: string): Buffer {
  return member.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY;
}

function sameProtocols(a: Protocol[], b: Protocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata));
}
