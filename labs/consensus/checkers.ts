/**
 * Raft's guarantees (Figure 3 of the paper) as checkers over a trace. They observe only what the nodes recorded:
 * `state` events (each node's log after every step that changed it), `role` log lines and `apply` log lines, so
 * they judge any implementation that logs the same lines, and never live inside the algorithm.
 *
 * Each returns `ok`, a `violation` with the fewest events that show it, or `inconclusive` when the trace was cut
 * short (a truncated trace may hide the violation, so it never passes silently).
 */
import { okUnlessTruncated } from '../sim/check';
import type { CheckResult } from '../sim/check';
import { formatMs } from '../sim/trace';
import type { Trace, TraceEvent, TraceEventOf } from '../sim/trace';
import type { NodeId } from '../sim/types';
import type { AppliedEntry, LogEntry, RaftRole, RaftState } from './raft';

type LogEvent = TraceEventOf<'log'>;
type StateEvent = TraceEventOf<'state'>;

const isRole = (e: TraceEvent): e is LogEvent => e.kind === 'log' && e.text === 'role';
const isApply = (e: TraceEvent): e is LogEvent => e.kind === 'log' && e.text === 'apply';

function violation(property: string, failure: 'safety' | 'liveness', message: string, events: TraceEvent[]): CheckResult {
  return { status: 'violation', property, failure, message, events: events.sort((x, y) => x.seq - y.seq) };
}

/** §5.2 Election Safety: at most one leader can be elected in a given term. */
export function checkElectionSafety(trace: Trace): CheckResult {
  const property = 'election safety';
  const firstLeader = new Map<number, LogEvent>();
  for (const e of trace.events) {
    if (!isRole(e)) continue;
    const { role, term } = e.data as { role: RaftRole; term: number };
    if (role !== 'leader') continue;
    const first = firstLeader.get(term);
    if (first === undefined) firstLeader.set(term, e);
    else if (first.node !== e.node) {
      return violation(property, 'safety', `both ${first.node} and ${e.node} became leader of term ${term}`, [first, e]);
    }
  }
  return okUnlessTruncated(trace, property);
}

/**
 * §5.3 Log Matching: if two logs contain an entry with the same index and term, the logs are identical in all
 * entries up to that index. Checked over every recorded log, across nodes and times, by induction: for each
 * (index, term) every log must agree on the command there and on the term of the entry before it; then equal
 * (index, term) pairs have equal predecessors all the way down.
 */
export function checkLogMatching(trace: Trace): CheckResult {
  const property = 'log matching';
  const seen = new Map<string, { command: string; prevTerm: number; event: StateEvent }>();
  for (const e of trace.events) {
    if (e.kind !== 'state') continue;
    const log = (e.state as RaftState).log;
    for (let i = 0; i < log.length; i++) {
      const entry = log[i] as LogEntry;
      const key = `${i + 1}:${entry.term}`;
      const command = JSON.stringify(entry.command) ?? 'undefined';
      const prevTerm = i === 0 ? 0 : (log[i - 1] as LogEntry).term;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, { command, prevTerm, event: e });
      else if (first.command !== command || first.prevTerm !== prevTerm) {
        return violation(
          property,
          'safety',
          `the logs of ${first.event.node} and ${e.node} both hold an entry of term ${entry.term} at index ${i + 1}, but differ at or before it`,
          [first.event, e],
        );
      }
    }
  }
  return okUnlessTruncated(trace, property);
}

/**
 * §5.4 Leader Completeness: if an entry is committed in a given term, it is in the logs of the leaders of all
 * higher terms. An entry counts as committed once some node applied it, and it was committed in a term no later
 * than the applier's `currentTerm` at that moment (the leader applies it in the very term it commits it; a
 * follower learns of the commit from a leader of its own term or a later one). Every node that became leader of
 * a later term than the least such term must hold the entry in the log it had on becoming leader (the `state`
 * event of that step), whenever it was elected: a leader of a higher term elected before the commit is bound too.
 * A leader of an older term can legitimately be elected afterwards (a paused candidate counting votes it got long
 * ago), which is why the check compares terms, not times.
 */
export function checkLeaderCompleteness(trace: Trace): CheckResult {
  const property = 'leader completeness';
  const committed = new Map<number, { entry: AppliedEntry; term: number; event: LogEvent }>();
  const leaders: { term: number; event: LogEvent; state: StateEvent | undefined }[] = [];
  const lastState = new Map<NodeId, StateEvent>();
  for (const e of trace.events) {
    if (e.kind === 'state') lastState.set(e.node, e);
    else if (e.kind !== 'log') continue;
    else if (e.text === 'apply') {
      const entry = e.data as AppliedEntry;
      const term = (lastState.get(e.node)?.state as RaftState | undefined)?.currentTerm ?? entry.term;
      const known = committed.get(entry.index);
      if (known === undefined || term < known.term) committed.set(entry.index, { entry, term, event: e });
    } else if (e.text === 'role' && (e.data as { role: RaftRole }).role === 'leader') {
      leaders.push({ term: (e.data as { term: number }).term, event: e, state: lastState.get(e.node) });
    }
  }
  for (const leader of leaders) {
    const log = leader.state === undefined ? [] : (leader.state.state as RaftState).log;
    for (const { entry, term, event } of committed.values()) {
      if (leader.term <= term) continue;
      const mine = log[entry.index - 1];
      if (mine === undefined || mine.term !== entry.term) {
        return violation(
          property,
          'safety',
          `${leader.event.node} became leader of term ${leader.term} without entry ${entry.index} (term ${entry.term}), ` +
            `which ${event.node} applied in term ${term}`,
          leader.state === undefined ? [event, leader.event] : [event, leader.state, leader.event],
        );
      }
    }
  }
  return okUnlessTruncated(trace, property);
}

/**
 * §5.4.3 State Machine Safety: if a server has applied a log entry at a given index, no other server ever applies
 * a different entry at that index (a restarted node applying the same entries again is fine).
 */
export function checkStateMachineSafety(trace: Trace): CheckResult {
  const property = 'state machine safety';
  const first = new Map<number, { key: string; event: LogEvent }>();
  for (const e of trace.events) {
    if (!isApply(e)) continue;
    const { index, term, command } = e.data as AppliedEntry;
    const key = JSON.stringify([term, command]);
    const earlier = first.get(index);
    if (earlier === undefined) first.set(index, { key, event: e });
    else if (earlier.key !== key) {
      return violation(
        property,
        'safety',
        `${earlier.event.node} applied ${earlier.key} at index ${index}, but ${e.node} applied ${key} there`,
        [earlier.event, e],
      );
    }
  }
  return okUnlessTruncated(trace, property);
}

/** Options of `checkProgress`. */
export interface ProgressOptions {
  /** When the faults ended (everything healed and restarted): progress is required after this. */
  afterMs: number;
}

/**
 * Liveness after the faults: (1) some entry with an index no node had applied by `afterMs` is applied later
 * (requests must have been submitted after `afterMs` for this to be possible), and (2) the run ends with a
 * leader: a running node whose last recorded role is leader, in a term no running node has gone past.
 */
export function checkProgress(trace: Trace, { afterMs }: ProgressOptions): CheckResult {
  const property = 'progress';
  if (trace.truncated || trace.halted) return { status: 'inconclusive', property, reason: 'the trace was cut short' };
  let highestBefore = 0;
  let newCommit: LogEvent | undefined;
  const lastState = new Map<NodeId, RaftState>();
  const up = new Set<NodeId>(trace.nodes);
  for (const e of trace.events) {
    if (e.kind === 'crash') up.delete(e.node);
    else if (e.kind === 'restart') up.add(e.node);
    else if (e.kind === 'state') lastState.set(e.node, e.state as RaftState);
    else if (isApply(e)) {
      const { index } = e.data as AppliedEntry;
      if (e.t <= afterMs) highestBefore = Math.max(highestBefore, index);
      else if (index > highestBefore && newCommit === undefined) newCommit = e;
    }
  }
  if (newCommit === undefined) {
    return violation(property, 'liveness', `no new entry was committed between ${formatMs(afterMs)} ms and ${formatMs(trace.endMs)} ms`, []);
  }
  const running = [...up].sort().map((id) => ({ id, state: lastState.get(id) })).filter((n) => n.state !== undefined);
  const topTerm = Math.max(0, ...running.map((n) => (n.state as RaftState).currentTerm));
  const leader = running.find((n) => n.state?.role === 'leader' && n.state.currentTerm === topTerm);
  if (leader === undefined) return violation(property, 'liveness', `no leader of the latest term ${topTerm} at ${formatMs(trace.endMs)} ms`, []);
  return { status: 'ok', property };
}

/** Every safety checker, in the order of Figure 3. */
export function checkRaftSafety(trace: Trace): CheckResult[] {
  return [checkElectionSafety(trace), checkLogMatching(trace), checkLeaderCompleteness(trace), checkStateMachineSafety(trace)];
}
