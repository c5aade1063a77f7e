/**
 * Exercise: the latency of a quorum operation (PACELC's "else" side). A coordinator sends a read or a write to all
 * N replicas of a key at once and answers when the R-th (or W-th) reply arrives, so the operation takes as long as
 * the R-th fastest reply: the order statistic, not the slowest, the fastest or the mean. Abadi (2012, "Consistency
 * tradeoffs in modern distributed database system design", IEEE Computer 45(2)) names the trade-off: without a
 * partition, a larger quorum buys consistency (R + W > N) with latency. DeCandia et al. (2007, Dynamo, §4.5) is
 * the system that exposes R and W to its users.
 */
import { distinctMistakes } from '../../exercises/grade';
import { defineExercise } from '../../exercises/types';

export interface QuorumLatencyParams {
  n: number;
  r: number;
  w: number;
  /** Which operation the question is about; its quorum is r for a read, w for a write. */
  op: 'read' | 'write';
  /** Reply time of each replica (a, b, c, …), in ms from the coordinator's send; all distinct. */
  latenciesMs: number[];
}

export const replicaNames = (n: number): string[] => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i));

/** The k-th smallest reply time: when the k-th reply reaches the coordinator. */
export function kthFastestMs(latenciesMs: readonly number[], k: number): number {
  return [...latenciesMs].sort((x, y) => x - y)[k - 1] as number;
}

const quorumOf = (p: QuorumLatencyParams) => (p.op === 'read' ? p.r : p.w);
const otherQuorum = (p: QuorumLatencyParams) => (p.op === 'read' ? p.w : p.r);
const otherOp = (p: QuorumLatencyParams) => (p.op === 'read' ? 'write' : 'read');
const quorumName = (p: QuorumLatencyParams) => (p.op === 'read' ? 'R' : 'W');

function latencyTable(p: QuorumLatencyParams): string {
  return replicaNames(p.n).map((name, i) => `- replica ${name}: ${p.latenciesMs[i]} ms`).join('\n');
}

export const quorumLatency = defineExercise({
  id: 'consistency/quorum-latency',
  title: 'How long does a quorum read or write take?',
  kind: 'numeric',
  tolerance: { absolute: 0 },
  unit: 'ms',
  generate(rng): QuorumLatencyParams {
    const n = rng.int(3, 7);
    const r = rng.int(1, n);
    let w = rng.int(1, n);
    // Distinct R and W, so that answering with the other quorum is a mistake the grader can tell apart.
    while (w === r) w = rng.int(1, n);
    const pool = rng.shuffle(Array.from({ length: 120 }, (_, i) => i + 2));
    return { n, r, w, op: rng.pick(['read', 'write'] as const), latenciesMs: pool.slice(0, n) };
  },
  prompt: (p) => ({
    text: `A Dynamo-style store keeps each key on N = ${p.n} replicas and is configured with R = ${p.r} and W = ${p.w}: a read waits for R replies, a write for W acknowledgements. There is no partition. A coordinator receives a **${p.op}** and sends it to all ${p.n} replicas at the same moment. Each replica's reply reaches the coordinator this many milliseconds after the send:\n\n${latencyTable(p)}\n\nThe coordinator answers the client as soon as it has the replies it waits for; ignore the time it takes to compute and the client's own network hop. How many milliseconds after the send does it answer the ${p.op}?`,
  }),
  answer: (p) => kthFastestMs(p.latenciesMs, quorumOf(p)),
  mistakes(p) {
    const k = quorumOf(p);
    const sorted = [...p.latenciesMs].sort((x, y) => x - y);
    const mean = p.latenciesMs.reduce((s, x) => s + x, 0) / p.n;
    const known = [
      { value: sorted[p.n - 1] as number, feedback: `That is the slowest replica's reply. The coordinator does not wait for all ${p.n} replies, only for ${quorumName(p)} = ${k} of them; the others arrive after it has answered.` },
      { value: sorted[0] as number, feedback: `That is the fastest reply. With ${quorumName(p)} = ${k} the coordinator needs ${k} replies, so it waits for the ${ordinal(k)} one to arrive.` },
      { value: mean, feedback: 'That is the mean of the reply times. A quorum operation is not an average: it ends at one particular reply, the last one the coordinator needs.' },
      { value: kthFastestMs(p.latenciesMs, otherQuorum(p)), feedback: `That uses ${quorumName(p) === 'R' ? 'W' : 'R'} = ${otherQuorum(p)}, the quorum of a ${otherOp(p)}. The question asks about a ${p.op}, which waits for ${quorumName(p)} = ${k} replies.` },
      { value: p.latenciesMs[k - 1] as number, feedback: `That is the ${ordinal(k)} replica in the list, not the ${ordinal(k)} reply to arrive. Sort the reply times first: replies arrive in order of their times, not of the replicas' names.` },
      { value: sorted[p.n - k] as number, feedback: `That is the ${ordinal(k)} reply counted from the slowest. The coordinator counts replies as they arrive, from the fastest.` },
    ];
    return distinctMistakes({ absolute: 0 }, kthFastestMs(p.latenciesMs, k), known);
  },
  hints: (p) => [`Write the ${p.n} reply times in increasing order: that is the order in which the replies reach the coordinator.`, `The ${p.op} is done when the ${ordinal(quorumOf(p))} reply arrives.`],
  solution(p) {
    const k = quorumOf(p);
    const sorted = [...p.latenciesMs].sort((x, y) => x - y);
    const answer = sorted[k - 1] as number;
    const consistent = p.r + p.w > p.n;
    return {
      text: `The replies arrive in the order ${sorted.join(', ')} ms. A ${p.op} waits for ${quorumName(p)} = ${k} of them, so it ends with the ${ordinal(k)}: **${answer} ms**. The slower replicas still receive and apply the ${p.op}, but nobody waits for them.\n\nThis is the "else" of PACELC: with no partition, the choice is between latency and consistency. A larger quorum waits for a slower reply; R + W > N (here ${p.r} + ${p.w} = ${p.r + p.w} ${consistent ? '>' : '≤'} ${p.n}) is what makes every read quorum meet every write quorum${consistent ? '' : ', which this configuration does not, so a read may miss the latest write'}. With replies that vary, the latency of a quorum operation is an order statistic of the replicas' latencies: the tail of the ${ordinal(k)} fastest of ${p.n}, which is why Dynamo's users tune R and W to their latency targets.`,
    };
  },
});

function ordinal(k: number): string {
  return ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'][k] ?? `${k}th`;
}
