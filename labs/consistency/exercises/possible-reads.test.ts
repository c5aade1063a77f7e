// Method: the reference passes every variant; over 2,000 seeds each option (a value for the open read) is graded
// alone and must pass exactly when a brute-force oracle written from the model's definition admits the history
// completed with that value: permutations respecting real time (linearizability) or each client's order
// (sequential consistency), and per-client views over the causal order (causal memory, Ahamad et al. 1995). Every
// model is drawn, and the models' hierarchy shows: a weaker model never admits fewer values.
import { describe, expect, it } from 'vitest';
import { grade, variantParams } from '../../exercises/grade';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts } from '../../exercises/oracle-support';
import { choice, gradeText, itPassesEveryVariant } from '../../exercises/test-support';
import type { RegisterValue } from '../data-types';
import { possibleReads, type PossibleReadsParams } from './possible-reads';
import { possibleValues, withReadValue, type RegisterOp } from './small-histories';
import { causallyConsistent, legalOrders } from './test-oracles';

const SEEDS = enumerateSeeds(2000);

function oracleAdmits(model: PossibleReadsParams['model'], ops: RegisterOp[]): boolean {
  if (model === 'linearizability') return legalOrders(ops, 'real-time').length > 0;
  if (model === 'sequential') return legalOrders(ops, 'session').length > 0;
  return causallyConsistent(ops);
}

const optionId = (value: RegisterValue) => (value === null ? 'unset' : `v${value}`);

describe('which values a read may return: linearizability ⊂ sequential ⊂ causal', () => {
  itPassesEveryVariant([possibleReads]);

  it('on 2,000 variants each option passes alone exactly when the oracle admits its value', async () => {
    const models = { linearizability: 0, sequential: 0, causal: 0 };
    let widened = 0;
    for (const [i, seed] of SEEDS.entries()) {
      const p = variantParams(possibleReads, seed) as PossibleReadsParams;
      models[p.model]++;
      const values = possibleValues(p.ops);
      const admitted = values.filter((value) => oracleAdmits(p.model, withReadValue(p.ops, p.open, value)));
      expect(admitted.length, `seed ${seed}`).toBeGreaterThan(0);
      expect(admitted.length, `seed ${seed}`).toBeLessThan(values.length);
      const correct = possibleReads.kind === 'choice' ? possibleReads.correct(p) : [];
      expect(correct.sort(), `seed ${seed}`).toEqual(admitted.map(optionId).sort());
      // The hierarchy, on the oracle: every value linearizability admits, the weaker models admit too.
      if (p.model !== 'linearizability') {
        const strict = values.filter((value) => oracleAdmits('linearizability', withReadValue(p.ops, p.open, value)));
        for (const value of strict) expect(admitted).toContain(value);
        if (admitted.length > strict.length) widened++;
      }
      if (i % 20 !== 0) continue;
      for (const value of values) {
        const result = await grade(possibleReads, seed, choice(optionId(value)));
        expect(result.checks[0]?.passed, `seed ${seed}: ${String(value)}`).toBe(admitted.includes(value));
      }
    }
    expect(Math.min(models.linearizability, models.sequential, models.causal)).toBeGreaterThan(500);
    expect(widened).toBeGreaterThan(100);
  });

  it('a value that is not possible is explained with the checker\'s reason, in the prompt\'s labels', async () => {
    for (const seed of SEEDS.slice(0, 30)) {
      const p = variantParams(possibleReads, seed) as PossibleReadsParams;
      const wrong = possibleValues(p.ops).find((value) => !(possibleReads.kind === 'choice' && possibleReads.correct(p).includes(optionId(value)))) as RegisterValue;
      const result = await gradeText(possibleReads, seed, choice(optionId(wrong)));
      expect(result.passed).toBe(false);
      expect(result.text).toContain('Not possible');
      expect(result.text).not.toMatch(/\bop \d/);
      for (const f of feedbackTexts(possibleReads, p)) expect(f).not.toMatch(MARKDOWN_IN_FEEDBACK);
    }
  });

  it('the prompt states the initial value, that values are distinct, and the model\'s rule', () => {
    for (const seed of SEEDS.slice(0, 30)) {
      const p = variantParams(possibleReads, seed) as PossibleReadsParams;
      const text = possibleReads.prompt(p).text;
      expect(text).toContain('starts **unset**');
      expect(text).toContain('Written values are distinct');
      expect(text).toContain('read → ?');
    }
  });
});
