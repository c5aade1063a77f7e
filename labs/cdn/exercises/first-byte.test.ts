// Method: the grader (the lab's edgeLatency and directLatency, less the transfer phase) is held to a count of
// round trips written here from the prompt's rules on 3,000 variants: DNS, TCP, TLS (1.3 one, 1.2 two) and the
// request on the client's path, plus, on a miss, the smallest k with 10·(2^k − 1) segments of 1,460 bytes covering
// the object on the edge's path to the origin. Known wrong answers (no DNS, the other TLS version, the last byte
// instead of the first, the origin fetch left out or counted as one round trip) get their own feedback.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds, structuredAccepts } from '../../exercises/oracle-support';
import { gradeText, itPassesEveryVariant, itShowsTheAnswerFormat, structured } from '../../exercises/test-support';
import { firstByteExercise, firstByteMs, type FirstByteParams } from './first-byte';

const SEEDS = enumerateSeeds(3000);

function byHand(p: FirstByteParams): [number, number] {
  const tls = p.tls === 'tls13' ? 1 : 2;
  const segments = Math.ceil(p.responseBytes / 1460);
  let windows = 1;
  while (10 * (2 ** windows - 1) < segments) windows++;
  const edge = p.resolverRttMs + (2 + tls) * p.edgeRttMs + (p.cache === 'miss' ? windows * p.edgeToOriginRttMs : 0);
  return [edge, p.resolverRttMs + (2 + tls) * p.originRttMs];
}

describe('RFC 8446 §2, RFC 5246 §7.3, RFC 9293 §3.5: time to the first byte', () => {
  itPassesEveryVariant([firstByteExercise]);
  itShowsTheAnswerFormat([firstByteExercise], SEEDS.slice(0, 20));

  it('the lab\'s breakdown less its transfer phase equals the hand count on 3,000 variants', () => {
    const kinds = new Set<string>();
    for (const seed of SEEDS) {
      const p = variantParams(firstByteExercise, seed) as FirstByteParams;
      kinds.add(`${p.tls} ${p.cache} ${p.responseBytes}`);
      const { edge, direct } = firstByteMs(p);
      expect([edge, direct], `seed ${seed}`).toEqual(byHand(p));
      expect(structuredAccepts(firstByteExercise, p, [edge, direct])).toBe(true);
      expect(structuredAccepts(firstByteExercise, p, [direct, edge])).toBe(edge === direct);
    }
    expect(kinds.size).toBe(12);
  });

  it('names the known mistakes', async () => {
    let missNamed = 0;
    for (const seed of enumerateSeeds(40)) {
      const p = variantParams(firstByteExercise, seed) as FirstByteParams;
      const { edge, direct } = firstByteMs(p);
      expect((await gradeText(firstByteExercise, seed, structured(`[${edge}, ${direct - p.resolverRttMs}]`))).text).toBe('directly: The DNS lookup comes first: one round trip to the resolver.');
      const lastByte = direct + (p.responseBytes === 10_000 ? 0 : (p.responseBytes === 40_000 ? 1 : 2) * p.originRttMs);
      if (lastByte !== direct) expect((await gradeText(firstByteExercise, seed, structured(`[${edge}, ${lastByte}]`))).text).toMatch(/^directly: (That is the time to the last byte|.*TLS)/);
      if (p.cache !== 'miss') continue;
      const [, byHandDirect] = byHand(p);
      expect(byHandDirect).toBe(direct);
      const noFetch = byHand({ ...p, cache: 'hit' })[0];
      const text = (await gradeText(firstByteExercise, seed, structured(`[${noFetch}, ${direct}]`))).text;
      // An earlier mistake in the list may have the same value; then its feedback is shown.
      expect(text).toMatch(/^through the edge: (On a miss the edge must fetch|The DNS lookup|.*TLS|Count the TCP|That is the time to the last byte)/);
      if (text.includes('On a miss the edge must fetch the object from the origin before it answers.')) missNamed++;
    }
    expect(missNamed).toBeGreaterThan(5);
  });
});
