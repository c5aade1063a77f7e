// Method: the grader (the lab's edgeLatency and directLatency, less the transfer phase) is held to a count of
// round trips written here from the prompt's rules on 3,000 variants: DNS, TCP, TLS (1.3 one, 1.2 two) and the
// request on the client's path, plus, on a miss, the smallest k with 10·(2^k − 1) segments of 1,460 bytes covering
// the object on the edge's path to the origin. Known wrong answers (no DNS, the other TLS version, the last byte
// instead of the first, TCP left out, the origin fetch left out or counted as one round trip) get their own feedback,
// and on 3,000 variants a number that several of them give names every one of them and no other (the slips'
// values are worked out here, not taken from the grader). An answer no slip explains is told which way and by about
// how many round trips of its path it is off (never the offset in milliseconds), and the phases to count in order.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds, structuredAccepts } from '../../exercises/oracle-support';
import { gradeText, itPassesEveryVariant, itShowsTheAnswerFormat, structured } from '../../exercises/test-support';
import { farOffFeedback, firstByteExercise, firstByteMs, type FirstByteParams } from './first-byte';

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
      if (lastByte !== direct) expect((await gradeText(firstByteExercise, seed, structured(`[${edge}, ${lastByte}]`))).text).toMatch(/^directly: .*That is the time to the last byte/);
      if (p.cache !== 'miss') continue;
      const [, byHandDirect] = byHand(p);
      expect(byHandDirect).toBe(direct);
      const noFetch = byHand({ ...p, cache: 'hit' })[0];
      const text = (await gradeText(firstByteExercise, seed, structured(`[${noFetch}, ${direct}]`))).text;
      expect(text).toMatch(/^through the edge: /);
      expect(text).toContain('On a miss the edge must fetch the object from the origin before it answers.');
      missNamed++;
    }
    expect(missNamed).toBeGreaterThan(5);
  });

  it('an answer no slip explains is told which way and how many round trips it is off, and the phases to count in order', async () => {
    let misses = 0;
    for (const seed of enumerateSeeds(40)) {
      const p = variantParams(firstByteExercise, seed) as FirstByteParams;
      const { edge, direct } = firstByteMs(p);
      const tls = p.tls === 'tls13' ? 'TLS 1.3, one round trip' : 'TLS 1.2, two round trips';
      // Far too high through the edge (ten round trips of its slowest leg), a little too low directly (1 ms).
      const [unit, unitMs] = p.cache === 'miss' ? ['between the edge and the origin', p.edgeToOriginRttMs] : ['to the edge', p.edgeRttMs];
      const text = (await gradeText(firstByteExercise, seed, structured(`[${edge + 10 * unitMs}, ${direct - 1}]`))).text;
      expect(text, `seed ${seed}`).toContain(`through the edge: Too high by about 10 round trips ${unit} (${unitMs} ms each), which no common slip gives. Count the phases in order: DNS, one round trip to the resolver; TCP, one round trip to the edge; ${tls} to the edge; `);
      expect(text).toContain(`directly: Too low by less than a round trip to the origin (${p.originRttMs} ms): check the sum. Count the phases in order: DNS, one round trip to the resolver; TCP, one round trip to the origin; ${tls} to the origin; the request, one round trip to the origin, which brings the first byte.`);
      if (p.cache === 'miss') {
        misses++;
        expect(text).toContain('on this miss the edge answers only once it has fetched the whole object from the origin, one edge-to-origin round trip per slow-start window');
      } else expect(text).toContain('the request, one round trip to the edge, which brings the first byte.');
      expect(text).not.toMatch(/Too (high|low)\./);
      // The feedback never states the offset in milliseconds, which would give the answer away.
      expect(farOffFeedback(p, 'direct', direct + 3 * p.originRttMs + 7)).not.toContain(String(3 * p.originRttMs + 7));
    }
    expect(misses).toBeGreaterThan(5);
  });

  it('a number that several slips give names each of them, and only them, on 3,000 variants', () => {
    const shared = new Map<string, number>();
    for (const seed of SEEDS) {
      const p = variantParams(firstByteExercise, seed) as FirstByteParams;
      const right = byHand(p);
      const tls = p.tls === 'tls13' ? 1 : 2;
      const segments = Math.ceil(p.responseBytes / 1460);
      let windows = 1;
      while (10 * (2 ** windows - 1) < segments) windows++;
      for (const [i, path] of (['edge', 'direct'] as const).entries()) {
        const rtt = path === 'edge' ? p.edgeRttMs : p.originRttMs;
        const slips: [string, number][] = [
          ['The DNS lookup comes first', -p.resolverRttMs],
          [`${p.tls === 'tls13' ? 'TLS 1.3' : 'TLS 1.2'} takes ${tls} round trip`, (3 - 2 * tls) * rtt],
          ['Count the TCP handshake', -rtt],
          ['That is the time to the last byte', (windows - 1) * rtt],
        ];
        if (path === 'edge' && p.cache === 'miss') {
          slips.push(['On a miss the edge must fetch', -windows * p.edgeToOriginRttMs]);
          if (windows > 1) slips.push(['The edge stores the whole object before answering', -(windows - 1) * p.edgeToOriginRttMs]);
        }
        for (const [, delta] of slips) {
          if (delta === 0) continue;
          const answer = [...right];
          answer[i] = right[i]! + delta;
          const checks = firstByteExercise.kind === 'structured' ? firstByteExercise.check(p, answer as never) : [];
          const feedback = checks[i]?.feedback ?? '';
          const named = slips.filter(([phrase]) => feedback.includes(phrase)).map(([phrase]) => phrase);
          const giving = slips.filter(([, d]) => d === delta).map(([phrase]) => phrase);
          expect(named, `seed ${seed}, ${path}: ${feedback}`).toEqual(giving);
          if (giving.length > 1) {
            expect(feedback).toMatch(/^(Two|Three) different slips give this number\. /);
            shared.set(giving.join(' + '), (shared.get(giving.join(' + ')) ?? 0) + 1);
          }
        }
      }
    }
    // The collisions the finding named happen, and are named: TLS 1.2 against TCP, and DNS against TCP.
    expect([...shared.keys()]).toEqual(expect.arrayContaining(['TLS 1.2 takes 2 round trip + Count the TCP handshake', 'The DNS lookup comes first + Count the TCP handshake']));
  });
});
