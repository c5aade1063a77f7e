/**
 * Exercise: origin load with and without an origin shield. PoPs each take requests at their own rate and hit
 * their own ratio; without a shield every PoP miss goes to the origin, and with one the misses go to the shield,
 * which hits a given ratio of them. The two answers are Σ rᵢ(1 − hᵢ) and that times (1 − s). Rates and ratios are
 * drawn so that every count is a whole number of requests per second; the test recounts them one request at a
 * time.
 */
import { defineExercise, type Check } from '../../exercises/types';

export interface OriginLoadParams {
  /** Each PoP: its name, requests per second, and its edge hit ratio in percent. */
  pops: { name: string; ratePerSecond: number; hitPercent: number }[];
  /** The shield's hit ratio on the PoPs' misses, in percent. */
  shieldHitPercent: number;
}

const POP_NAMES = ['Frankfurt', 'Singapore', 'São Paulo', 'Virginia', 'Tokyo', 'Sydney'];

/** Origin requests per second without and with the shield. */
export function originLoad(p: OriginLoadParams): { withoutShield: number; withShield: number } {
  const misses = p.pops.reduce((sum, pop) => sum + (pop.ratePerSecond * (100 - pop.hitPercent)) / 100, 0);
  return { withoutShield: misses, withShield: (misses * (100 - p.shieldHitPercent)) / 100 };
}

/** Wrong answers learners give, each with its explanation, for either number. */
function knownMistakes(p: OriginLoadParams): { value: number; feedback: string }[] {
  const total = p.pops.reduce((sum, pop) => sum + pop.ratePerSecond, 0);
  const meanHit = p.pops.reduce((sum, pop) => sum + pop.hitPercent, 0) / p.pops.length / 100;
  const { withoutShield } = originLoad(p);
  return [
    { value: (total * (100 - p.shieldHitPercent)) / 100, feedback: 'The shield sees only what the PoPs missed: apply its hit ratio to the PoPs\' misses, not to all requests.' },
    { value: (withoutShield * p.shieldHitPercent) / 100, feedback: 'That is how many of the PoPs\' misses the shield answers; the origin gets the rest.' },
    { value: total * (1 - meanHit), feedback: 'The PoPs take different numbers of requests, so their hit ratios cannot be averaged as they are: count each PoP\'s misses from its own rate.' },
    { value: (total * (1 - meanHit) * (100 - p.shieldHitPercent)) / 100, feedback: 'The PoPs take different numbers of requests, so their hit ratios cannot be averaged as they are: count each PoP\'s misses from its own rate.' },
    { value: total, feedback: 'That is every request; the origin sees only the misses.' },
  ];
}

export const originLoadExercise = defineExercise({
  id: 'cdn/origin-load',
  title: 'Origin load behind a shield',
  kind: 'structured',
  format: 'vector',
  placeholder: '[1200, 300]',
  generate(rng): OriginLoadParams {
    const count = rng.int(3, 5);
    const names = rng.shuffle(POP_NAMES).slice(0, count);
    // Rates in hundreds and hit ratios in whole percent give whole misses per second; a shield ratio in fives
    // of a total that is a multiple of 20 keeps the shielded load whole too.
    for (;;) {
      const pops = names.map((name) => ({ name, ratePerSecond: 100 * rng.int(5, 60), hitPercent: rng.int(80, 97) }));
      const shieldHitPercent = 5 * rng.int(8, 18);
      const p = { pops, shieldHitPercent };
      if (Number.isInteger(originLoad(p).withShield)) return p;
    }
  },
  prompt: (p) => ({
    text: `A CDN serves one site from ${p.pops.length} points of presence:\n\n${p.pops.map((pop) => `- ${pop.name}: ${pop.ratePerSecond.toLocaleString('en-US')} requests per second, edge hit ratio ${pop.hitPercent}%`).join('\n')}\n\nEvery miss at a PoP is fetched upstream. Without a shield, the PoPs fetch from the origin. With an **origin shield**, they fetch from the shield instead, which answers ${p.shieldHitPercent}% of those fetches from its own cache and forwards the rest to the origin. How many requests per second reach the origin without the shield, and with it? Answer with two numbers, like \`[1200, 300]\`.`,
  }),
  reference: (p) => {
    const { withoutShield, withShield } = originLoad(p);
    return `[${withoutShield}, ${withShield}]`;
  },
  hints: () => ['Count each PoP\'s misses per second from its own rate and hit ratio, then add them up.', 'The shield\'s hit ratio applies to the misses that reach it.'],
  check(p, value): Check[] {
    if (value.length !== 2) return [{ name: 'two numbers', passed: false, feedback: `Give two numbers: origin requests per second without the shield, then with it (you gave ${value.length}).` }];
    const { withoutShield, withShield } = originLoad(p);
    const [without, withIt] = value as [number, number];
    const explain = (v: number, fallback: string) => knownMistakes(p).find((m) => Math.abs(m.value - v) < 0.5)?.feedback ?? fallback;
    const okWithout = Math.abs(without - withoutShield) < 0.5;
    const okWith = Math.abs(withIt - withShield) < 0.5;
    return [
      { name: 'without the shield', passed: okWithout, feedback: okWithout ? '' : explain(without, without > withoutShield ? 'Too high.' : 'Too low.') },
      { name: 'with the shield', passed: okWith, feedback: okWith ? '' : Math.abs(withIt - withoutShield) < 0.5 ? 'That is the load without the shield.' : explain(withIt, withIt > withShield ? 'Too high.' : 'Too low.') },
    ];
  },
  solution: (p) => {
    const { withoutShield, withShield } = originLoad(p);
    const total = p.pops.reduce((sum, pop) => sum + pop.ratePerSecond, 0);
    return {
      text: `**${withoutShield}** without the shield, **${withShield}** with it. Each PoP's misses: ${p.pops.map((pop) => `${pop.name} ${pop.ratePerSecond} × ${(100 - pop.hitPercent) / 100} = ${(pop.ratePerSecond * (100 - pop.hitPercent)) / 100}`).join('; ')}, ${withoutShield} per second in all, of ${total} requests. The shield answers ${p.shieldHitPercent}% of those, so ${withoutShield} × ${(100 - p.shieldHitPercent) / 100} = ${withShield} reach the origin. The shield works because the PoPs miss on the same objects: a popular object missed at every PoP is fetched from the origin once, by the shield, instead of once per PoP. Its own hit ratio is lower than a PoP's, since the requests it sees are the ones the PoPs could not answer.`,
    };
  },
});
