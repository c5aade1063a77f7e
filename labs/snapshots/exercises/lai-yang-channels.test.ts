// Method: the reference rule passes 20 variants (120 Lai-Yang bank runs on reordering links), graded by the lab's
// conservation checker and by equality with the collector's own channel states. Every variant of 60 has a run in
// which a receiver had taken a channel's messages out of order when it recorded, and there the count-based
// difference `sentBefore.slice(receivedBefore.length)`, right on FIFO channels, gives a different state: it fails
// every variant graded, with feedback that says the links do not keep FIFO order. Recording every message sent
// creates money; a wrong shape of answer is named.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { code, describeCodeReferences, gradeText } from '../../exercises/test-support';
import { collectSnapshots } from '../collect';
import { hasReordering, laiYangChannels, laiYangTrace, type LaiYangParams } from './lai-yang-channels';

describeCodeReferences([[laiYangChannels, 20]]);

const reference = () => (laiYangChannels.kind === 'code' ? laiYangChannels.reference(variantParams(laiYangChannels, 0)) : '');
const withBody = (body: string) => `${reference().slice(0, reference().indexOf('export function channelState'))}export function channelState(sentBefore: RecordedMessage[], receivedBefore: number[]): RecordedMessage[] {\n${body}\n}\n`;
const byCount = '  return sentBefore.slice(receivedBefore.length);';

describe('Lai and Yang 1987: channel states by difference, without FIFO', () => {
  it('every variant has a run where counting gives a different channel state than matching by seq (60 variants)', () => {
    for (const seed of enumerateSeeds(60)) {
      const p = variantParams(laiYangChannels, seed) as LaiYangParams;
      const run = p.runs.find(hasReordering);
      expect(run, `seed ${seed}`).toBeDefined();
      const trace = laiYangTrace(run as never);
      const counted = collectSnapshots(trace, { channelState: (sent, received) => sent.slice(received.length) });
      const matched = collectSnapshots(trace);
      expect(JSON.stringify(counted.map((s) => s.channels)), `seed ${seed}`).not.toBe(JSON.stringify(matched.map((s) => s.channels)));
    }
  });

  it('the count-based difference fails, and the feedback says FIFO order does not hold', async () => {
    for (const seed of enumerateSeeds(6)) {
      const result = await gradeText(laiYangChannels, seed, code(withBody(byCount)));
      expect(result.passed, `seed ${seed}`).toBe(false);
      expect(result.text).toContain('Case "overtaken"');
      expect(result.text).toMatch(/every channel holds exactly the messages in flight: In the run with seed \d+ .*channel \w → \w: .*The links do not keep FIFO order/);
    }
  });

  it('recording every message sent counts money twice', async () => {
    const starter = laiYangChannels.kind === 'code' ? laiYangChannels.starter(variantParams(laiYangChannels, 0)) : '';
    const result = await gradeText(laiYangChannels, 0, code(starter));
    expect(result.passed).toBe(false);
    expect(result.text).toMatch(/the money is conserved: In the run with seed \d+.*it creates \d+\. Money counted twice/);
  });

  it('an answer that is not taken from sentBefore is named', async () => {
    const result = await gradeText(laiYangChannels, 0, code(withBody('  return [{ seq: 99, message: { type: "transfer", amount: 1 } }];')));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('which is not one of the messages in sentBefore');
  });
});
