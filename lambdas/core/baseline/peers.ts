/**
 * Peer groups: principals that share a permission set, a role or an account's IAM users, so a
 * first-time action is judged against what the group does and a new employee is not a blank slate.
 *
 * A group's aggregate (`PeerBaseline`) is small and JSON-serialisable, stored as its own item, a
 * PrincipalState keyed `peer:<group>` (the aggregate in `baseline`) in the state table beside the
 * principals, so the PrincipalStateStore reads and writes it, versioned, with no new port. A
 * `PeerBook` keeps the aggregates in memory: alone, a replay or a demo sees every principal and has
 * full peer data, and a Lambda container has the peers it has seen since it started; wired to the
 * store (`keysFor`, `load`, `flush`), every scorer shares them.
 *
 * Peer data is statistical: a batch retried after a failure may count a member's first use twice.
 */
import { type PrincipalStateStore, VersionConflictError } from '../ports.ts';
import type { Principal } from '../principal.ts';
import { emptyPrincipalState, type PrincipalState } from '../state.ts';
import { dequantise, median, pushClipped, STEPS_PER_DOUBLING } from './stats.ts';

/** Peer-group layout version. */
export const PEER_VERSION = 1;
/** Most members counted by name (hashed); past it a group still learns, without adding members. */
const MAX_MEMBERS = 400;
const MAX_APIS = 160;
const MAX_BUCKETS = 40;
const MAX_COUNTRIES = 20;
const MAX_ASNS = 40;
/** Member-days of volume kept. */
const PEER_HISTORY = 90;
/** Member-days kept unclipped, to tell a group-wide surge. */
const PEER_RECENT = 30;
/** Member-days of history before a surge is judged. */
const MIN_SURGE_HISTORY = 20;
/** Members a group needs before its surge is told from one member's. */
const MIN_SURGE_MEMBERS = 3;
/** A group-wide surge excuses at most this factor. */
const MAX_SURGE = 8;

/** What a peer group does, aggregated over its members. */
export interface PeerBaseline {
  v: number;
  /** Members, as short hashes of their principal keys. */
  m: string[];
  /** APIs -> members that have called it. */
  api: Record<string, number>;
  /** Buckets -> members that have read or written it. */
  s3: Record<string, number>;
  /** Countries -> members seen there. */
  cc: Record<string, number>;
  /** Autonomous systems -> members seen there: a corporate VPN or office provider is common. */
  asn: Record<string, number>;
  /** Hour-of-day activity (UTC), member hour slots. */
  hod: number[];
  /** Members' daily S3 objects and bytes read (quantised logs), the last `PEER_HISTORY` member-days. */
  vol: { g: number[]; b: number[] };
  /** The last member-days, unclipped: whether the whole group reads more than usual right now. */
  rec: { g: number[]; b: number[] };
}

const PEER_PREFIX = 'peer:';
/** Conditional writes of one group retried at most this often in a flush. */
const MAX_FLUSH_RETRIES = 8;

/** The state-table key of a peer group's aggregate. */
export const peerStateKey = (group: string): string => `${PEER_PREFIX}${group}`;

/**
 * A principal's peer group: its Identity Center permission set, else the role behind its session
 * (roles are grouped by name across accounts: the same deployment role in every account), else
 * its account's IAM users. Null for kinds with no meaningful group (root, cross-account callers).
 */
export const peerGroupOf = (principal: Principal): string | null => {
  if (principal.context.permissionSet) return `ps:${principal.context.permissionSet}`;
  if (principal.context.roleName && principal.type !== 'Root') return `role:${principal.context.roleName}`;
  if (principal.type === 'IAMUser') return `iam-users:${principal.accountId}`;
  return null;
};

const memberId = (key: string): string => {
  // FNV-1a: a stable short id, so member lists stay small and hold no names.
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
};

const bump = (set: Record<string, number>, key: string, cap: number, members: number): void => {
  const count = set[key];
  if (count !== undefined) {
    set[key] = Math.min(count + 1, Math.max(members, 1));
    return;
  }
  const keys = Object.keys(set);
  if (keys.length >= cap) {
    // Full: the rarest entry makes room; rare is what peers judge anyway.
    const rarest = keys.reduce((a, b) => ((set[a] ?? 0) <= (set[b] ?? 0) ? a : b));
    delete set[rarest];
  }
  set[key] = 1;
};

/** How much more a whole group reads now than usually, by objects and bytes: 1 when not more. */
export interface Surge {
  readonly objects: number;
  readonly bytes: number;
}
const NO_SURGE: Surge = Object.freeze({ objects: 1, bytes: 1 });

/** What peers count by member: APIs, buckets, countries, autonomous systems. */
export type PeerKind = 'api' | 's3' | 'cc' | 'asn';
const CAPS: Readonly<Record<PeerKind, number>> = { api: MAX_APIS, s3: MAX_BUCKETS, cc: MAX_COUNTRIES, asn: MAX_ASNS };

/** What a member brings when it joins: what its own baseline already knows. */
export interface MemberProfile {
  readonly apis: readonly string[];
  readonly buckets: readonly string[];
  readonly countries: readonly string[];
  readonly asns: readonly string[];
}

/** How common something is in a group. */
export interface PeerShare {
  readonly members: number;
  readonly count: number;
  /** count / members, 0 for an empty group. */
  readonly share: number;
}

/**
 * What this process changed in a group since it last stored it: new members, counts to add, hours
 * and member-days to append. Re-applied on top of the stored aggregate when another scorer stored
 * it first, so concurrent scorers add up instead of overwriting each other.
 */
interface PeerDelta {
  m: string[];
  api: Record<string, number>;
  s3: Record<string, number>;
  cc: Record<string, number>;
  asn: Record<string, number>;
  hod: number[];
  g: number[];
  b: number[];
}

const emptyPeer = (): PeerBaseline => ({
  v: PEER_VERSION,
  m: [],
  api: {},
  s3: {},
  cc: {},
  asn: {},
  hod: new Array<number>(24).fill(0),
  vol: { g: [], b: [] },
  rec: { g: [], b: [] },
});

const emptyDelta = (): PeerDelta => ({
  m: [],
  api: {},
  s3: {},
  cc: {},
  asn: {},
  hod: new Array<number>(24).fill(0),
  g: [],
  b: [],
});

const KINDS: readonly PeerKind[] = ['api', 's3', 'cc', 'asn'];

/** A stored peer aggregate, or null when the item holds another layout. */
export const readPeer = (raw: Record<string, unknown>): PeerBaseline | null =>
  raw.v === PEER_VERSION && Array.isArray(raw.m) && typeof raw.rec === 'object' && typeof raw.asn === 'object'
    ? (raw as unknown as PeerBaseline)
    : null;

const addMember = (peer: PeerBaseline, id: string): boolean => {
  if (peer.m.includes(id) || peer.m.length >= MAX_MEMBERS) return false;
  peer.m.push(id);
  return true;
};

const addDay = (peer: PeerBaseline, gets: number, bytes: number): void => {
  // Clipped like a member's own history, so one member's ramp does not move the group.
  pushClipped(peer.vol.g, gets, PEER_HISTORY, 6);
  pushClipped(peer.vol.b, bytes, PEER_HISTORY, 6);
  peer.rec.g.push(gets);
  peer.rec.b.push(bytes);
  if (peer.rec.g.length > PEER_RECENT) peer.rec.g.shift();
  if (peer.rec.b.length > PEER_RECENT) peer.rec.b.shift();
};

const applyDelta = (peer: PeerBaseline, delta: PeerDelta): PeerBaseline => {
  for (const id of delta.m) addMember(peer, id);
  for (const kind of KINDS) {
    for (const [key, n] of Object.entries(delta[kind]))
      for (let i = 0; i < n; i++) bump(peer[kind], key, CAPS[kind], peer.m.length);
  }
  for (let h = 0; h < 24; h++) peer.hod[h] = (peer.hod[h] ?? 0) + (delta.hod[h] ?? 0);
  for (let i = 0; i < delta.g.length; i++) addDay(peer, delta.g[i] ?? 0, delta.b[i] ?? 0);
  return peer;
};

/**
 * Peer aggregates by group. In memory it is all a process needs; `load` and `flush` keep it in
 * step with the `peer:<group>` items of a PrincipalStateStore when the scorer wires them.
 */
export class PeerBook {
  private readonly groups = new Map<string, PeerBaseline>();
  /** Surges by group, until the group's next member-day. */
  private readonly surges = new Map<string, Surge>();
  /** Changes not yet stored, by group. */
  private readonly pending = new Map<string, PeerDelta>();
  /** The stored items last loaded, by group: their versions make the next write conditional. */
  private readonly stored = new Map<string, PrincipalState>();

  /** The aggregate of a group, or undefined when no member has been seen. */
  get(group: string): Readonly<PeerBaseline> | undefined {
    return this.groups.get(group);
  }

  /** Every group's aggregate. */
  entries(): [string, Readonly<PeerBaseline>][] {
    return [...this.groups.entries()];
  }

  /** Changes are kept for storing only once a store is wired (`load` called): alone, memory stays flat. */
  private tracking = false;

  private changes(group: string): PeerDelta | null {
    if (!this.tracking) return null;
    let delta = this.pending.get(group);
    if (!delta) {
      delta = emptyDelta();
      this.pending.set(group, delta);
    }
    return delta;
  }

  private peerOf(group: string): PeerBaseline {
    let peer = this.groups.get(group);
    if (!peer) {
      peer = emptyPeer();
      this.groups.set(group, peer);
    }
    return peer;
  }

  /**
   * Adds a member to its group, once, with what it already knows. Returns true when it joined
   * now, false when it was a member already.
   */
  join(group: string, memberKey: string, profile: MemberProfile): boolean {
    const peer = this.peerOf(group);
    const id = memberId(memberKey);
    if (!addMember(peer, id)) return false;
    const delta = this.changes(group);
    delta?.m.push(id);
    const known: [PeerKind, readonly string[]][] = [
      ['api', profile.apis],
      ['s3', profile.buckets],
      ['cc', profile.countries],
      ['asn', profile.asns],
    ];
    for (const [kind, keys] of known) {
      for (const key of keys) {
        bump(peer[kind], key, CAPS[kind], peer.m.length);
        if (delta) delta[kind][key] = (delta[kind][key] ?? 0) + 1;
      }
    }
    return true;
  }

  /** A member used something for the first time. */
  note(group: string, kind: PeerKind, key: string): void {
    const peer = this.groups.get(group);
    if (!peer) return;
    bump(peer[kind], key, CAPS[kind], peer.m.length);
    const delta = this.changes(group);
    if (delta) delta[kind][key] = (delta[kind][key] ?? 0) + 1;
  }

  /** A member was active in a new UTC hour of the day. */
  noteHour(group: string, hourOfDay: number): void {
    const peer = this.groups.get(group);
    if (!peer || hourOfDay < 0 || hourOfDay >= 24) return;
    peer.hod[hourOfDay] = (peer.hod[hourOfDay] ?? 0) + 1;
    const delta = this.changes(group);
    if (delta) delta.hod[hourOfDay] = (delta.hod[hourOfDay] ?? 0) + 1;
  }

  /** A member finished a day with these S3 reads (quantised logs). */
  noteDay(group: string, gets: number, bytes: number): void {
    const peer = this.groups.get(group);
    if (!peer) return;
    addDay(peer, gets, bytes);
    this.surges.delete(group);
    const delta = this.changes(group);
    if (!delta || delta.g.length >= PEER_HISTORY) return;
    delta.g.push(gets);
    delta.b.push(bytes);
  }

  /** The state-table keys of the groups these principals belong to: load them with the principals. */
  keysFor(principals: readonly Principal[]): string[] {
    const groups = new Set<string>();
    for (const principal of principals) {
      const group = peerGroupOf(principal);
      if (group !== null) groups.add(peerStateKey(group));
    }
    return [...groups];
  }

  /**
   * Takes stored `peer:<group>` items (from a getMany that also read the principals): the stored
   * aggregate, with this process's changes not yet stored laid on top, replaces what is in memory.
   */
  load(states: ReadonlyMap<string, PrincipalState>): void {
    this.tracking = true;
    for (const [key, state] of states) {
      if (!key.startsWith(PEER_PREFIX)) continue;
      const peer = readPeer(state.baseline);
      if (!peer) continue;
      const group = key.slice(PEER_PREFIX.length);
      const delta = this.pending.get(group);
      this.groups.set(group, delta ? applyDelta(structuredClone(peer), delta) : structuredClone(peer));
      this.stored.set(group, state);
      this.surges.delete(group);
    }
  }

  /**
   * Stores every changed group, one conditional write each; when another scorer stored the group
   * first, reads it again and lays this process's changes on top. Returns the conflicts met.
   */
  async flush(store: PrincipalStateStore, now: number): Promise<number> {
    let conflicts = 0;
    for (const [group, delta] of this.pending) {
      const key = peerStateKey(group);
      let base = this.stored.get(group);
      for (let attempt = 0; ; attempt++) {
        const peer = applyDelta(structuredClone(base ? (readPeer(base.baseline) ?? emptyPeer()) : emptyPeer()), delta);
        const state: PrincipalState = base
          ? { ...structuredClone(base), baseline: peer as unknown as Record<string, unknown>, lastSeen: now }
          : {
              ...emptyPrincipalState(key, { arn: null, type: 'Unknown', accountId: 'peers', name: group }, now),
              baseline: peer as unknown as Record<string, unknown>,
            };
        try {
          await store.put(state);
          this.groups.set(group, peer);
          this.stored.set(group, state);
          this.surges.delete(group);
          break;
        } catch (error) {
          if (!(error instanceof VersionConflictError) || attempt >= MAX_FLUSH_RETRIES) throw error;
          conflicts++;
          base = (await store.getMany([key])).get(key);
        }
      }
    }
    this.pending.clear();
    return conflicts;
  }

  /**
   * How much more the group as a whole reads now than usually (1 when not more): the median of
   * its last member-days (about two days' worth) against the median of its history. A
   * quarter-end close lifts every finance analyst at once; one member's exfiltration does not
   * lift the group.
   */
  surge(group: string | null): Surge {
    if (group === null) return NO_SURGE;
    let cached = this.surges.get(group);
    if (!cached) {
      cached = this.measureSurge(group);
      this.surges.set(group, cached);
    }
    return cached;
  }

  private measureSurge(group: string): Surge {
    const peer = this.groups.get(group);
    // A surge is the group's, not one member's: it takes a few members to tell.
    if (!peer || peer.m.length < MIN_SURGE_MEMBERS || peer.vol.g.length < MIN_SURGE_HISTORY) return NO_SURGE;
    const recent = Math.min(PEER_RECENT, Math.max(3, 2 * peer.m.length));
    // Days a member read nothing say nothing about how much the group reads when it reads. A surge
    // is broad: most of the latest member-days at least double the usual, not one or two members'.
    const factor = (rec: readonly number[], history: readonly number[]): number => {
      const latest = rec.filter((q) => q > 0).slice(-recent);
      const usual = history.filter((q) => q > 0);
      if (latest.length < 3 || usual.length < MIN_SURGE_HISTORY) return 1;
      const typical = median(usual);
      const doubled = latest.filter((q) => q >= typical + STEPS_PER_DOUBLING).length;
      if (doubled < (2 / 3) * latest.length) return 1;
      return Math.max(1, Math.min(MAX_SURGE, dequantise(median(latest)) / Math.max(dequantise(typical), 1)));
    };
    return { objects: factor(peer.rec.g, peer.vol.g), bytes: factor(peer.rec.b, peer.vol.b) };
  }

  /** How many of a group's members, other than `self`, have used an API, bucket, country or provider. */
  share(
    group: string | null,
    kind: PeerKind,
    key: string,
    self?: { readonly key: string; readonly has: boolean },
  ): PeerShare {
    const peer = group === null ? undefined : this.groups.get(group);
    if (!peer) return { members: 0, count: 0, share: 0 };
    // Peers are the others: a member does not vouch for itself.
    const member = self !== undefined && peer.m.includes(memberId(self.key));
    const members = peer.m.length - (member ? 1 : 0);
    const count = Math.max(0, (peer[kind][key] ?? 0) - (member && self?.has ? 1 : 0));
    return { members, count, share: members === 0 ? 0 : count / members };
  }
}
