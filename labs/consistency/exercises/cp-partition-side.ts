/**
 * Exercise: which side of a partition a CP store keeps serving. With majority quorums for reads and writes
 * (Attiya, Bar-Noy and Dolev 1995, "Sharing memory robustly in message-passing systems", §3), an operation needs
 * replies from more than half of all N replicas, counted among those its coordinator can reach. At most one side
 * of a partition holds such a majority, and an even split leaves none: the cost Gilbert and Lynch (2002, "Brewer's
 * conjecture and the feasibility of consistent, available, partition-tolerant web services", §3) prove cannot be
 * avoided by a consistent system.
 */
import type { Random } from '../../sim/random';
import { defineExercise } from '../../exercises/types';
import { replicaNames } from './quorum-latency';

export interface PartitionSideParams {
  n: number;
  /** The partition's sides, each a list of replica names; together they hold every replica once. */
  groups: string[][];
}

const majorityOf = (n: number) => Math.floor(n / 2) + 1;
const sideText = (group: string[]) => `{${group.join(', ')}}`;

/** The index of the side that holds a majority of all n replicas, or -1 when no side does. */
export function majoritySide(p: PartitionSideParams): number {
  return p.groups.findIndex((g) => 2 * g.length > p.n);
}

type Shape = 'majority-of-two' | 'even-split' | 'three-way-majority' | 'three-way-none';

function drawGroups(rng: Random, shape: Shape): PartitionSideParams {
  for (;;) {
    const n = shape === 'even-split' ? rng.pick([4, 6, 8]) : rng.int(shape.startsWith('three') ? 5 : 3, 9);
    const names = rng.shuffle(replicaNames(n));
    let sizes: number[];
    if (shape === 'even-split') sizes = [n / 2, n / 2];
    else if (shape === 'majority-of-two') {
      const big = rng.int(majorityOf(n), n - 1);
      sizes = rng.shuffle([big, n - big]);
    } else {
      const first = rng.int(1, n - 2);
      const second = rng.int(1, n - first - 1);
      sizes = rng.shuffle([first, second, n - first - second]);
    }
    const groups: string[][] = [];
    let at = 0;
    for (const size of sizes) {
      groups.push(names.slice(at, at + size).sort());
      at += size;
    }
    const p = { n, groups };
    const hasMajority = majoritySide(p) !== -1;
    if (shape === 'three-way-majority' && !hasMajority) continue;
    if (shape === 'three-way-none' && hasMajority) continue;
    return p;
  }
}

export const cpPartitionSide = defineExercise({
  id: 'consistency/cp-partition-side',
  title: 'Which side of the partition keeps answering?',
  kind: 'choice',
  multiple: false,
  generate: (rng) => drawGroups(rng, rng.pick(['majority-of-two', 'majority-of-two', 'even-split', 'three-way-majority', 'three-way-none'] as const)),
  prompt: (p) => ({
    text: `A CP key-value store runs on ${p.n} replicas, ${replicaNames(p.n).join(', ')}, each holding every key. Every read and every write must be acknowledged by a **majority of all ${p.n} replicas** (quorums of ${majorityOf(p.n)}) before the client gets an answer; an operation that cannot gather one is refused or times out. Clients talk to the replica nearest them. The network now splits into ${p.groups.length} sides that cannot reach each other: ${p.groups.map(sideText).join(', ')}. Messages within a side still flow, and no replica has crashed. Which clients can still get reads and writes answered?`,
  }),
  options: (p) => [
    ...p.groups.map((g, i) => ({ id: `side-${i + 1}`, label: `Only the clients on the side ${sideText(g)}` })),
    { id: 'every-side', label: 'The clients on every side' },
    { id: 'no-side', label: 'No client on any side' },
  ],
  correct: (p) => [majoritySide(p) === -1 ? 'no-side' : `side-${majoritySide(p) + 1}`],
  explain(p, id) {
    const winner = majoritySide(p);
    if (id === 'every-side') {
      return `That is what an AP store offers. Here an operation needs ${majorityOf(p.n)} of ${p.n} replicas, and ${winner === -1 ? 'no side has that many' : `only ${sideText(p.groups[winner] as string[])} has that many`}: two sides answering independently could each accept a write the other never sees.`;
    }
    if (id === 'no-side') {
      return winner === -1
        ? `Right: the largest side has ${Math.max(...p.groups.map((g) => g.length))} replicas, fewer than ${majorityOf(p.n)}, the majority of ${p.n}. ${p.groups.length === 2 ? 'An even split is the worst case: half is not a majority, so both sides stop.' : 'No side has more than half of the replicas, so none can gather a quorum.'}`
        : `The side ${sideText(p.groups[winner] as string[])} has ${(p.groups[winner] as string[]).length} of ${p.n} replicas, a majority: it can gather quorums of ${majorityOf(p.n)} on its own.`;
    }
    const group = p.groups[Number(id.slice('side-'.length)) - 1] as string[];
    if (2 * group.length > p.n) return `Right: ${group.length} of ${p.n} replicas is more than half, so this side gathers quorums of ${majorityOf(p.n)} by itself. Every other side is smaller, and refuses.`;
    if (2 * group.length === p.n) return `This side has exactly half of the replicas, ${group.length} of ${p.n}. Half is not a majority: if half were enough, both halves could accept writes that the other never sees.`;
    return `This side has ${group.length} of ${p.n} replicas, fewer than the ${majorityOf(p.n)} a quorum needs.`;
  },
  hints: (p) => [`Count the replicas on each side and compare with ${majorityOf(p.n)}, the smallest majority of ${p.n}.`, 'Two majorities of the same set always share a replica, so at most one side can have one; it may be that none has.'],
  solution(p) {
    const winner = majoritySide(p);
    const counts = p.groups.map((g) => `${sideText(g)} has ${g.length}`).join(', ');
    const verdict = winner === -1
      ? `No side reaches ${majorityOf(p.n)}, so **no client gets an answer** until the partition heals: the store chooses consistency over availability everywhere.`
      : `Only **${sideText(p.groups[winner] as string[])}** reaches ${majorityOf(p.n)}: its clients keep reading and writing, and the clients of the other side${p.groups.length > 2 ? 's' : ''} are refused or time out.`;
    return {
      text: `A quorum is a majority of all ${p.n} replicas, ${majorityOf(p.n)}, not of the replicas a side can see. ${counts}. ${verdict}\n\nThis is CAP's choice made concrete (Gilbert and Lynch 2002): the minority cannot answer without risking a read that misses a write accepted on the other side. Because any two majorities share a replica, at most one side can have one, and an even split leaves none, which is one reason to run an odd number of replicas.`,
    };
  },
});
