// Method: golden files, as etcd-io/raft's interaction tests. Every `testdata/*.txt` is parsed, run, and its output
// compared with the block after `----`; `UPDATE_GOLDEN=1 npx vitest run labs/snapshots/scenario.test.ts` rewrites
// those blocks on purpose (they are never edited by hand). The parser's errors are tested to name their line.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, SCENARIO_SEPARATOR } from './scenario';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata');
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
const update = process.env.UPDATE_GOLDEN === '1';

describe('scenario files (testdata/*.txt)', () => {
  it('has the scenarios the chapter needs', () => {
    for (const name of ['two-nodes', 'triangle-in-flight', 'directed-ring', 'concurrent-initiators', 'sequential', 'lai-yang-non-fifo', 'chandy-lamport-non-fifo']) {
      expect(files).toContain(`${name}.txt`);
    }
  });

  for (const file of files) {
    it(file, () => {
      const path = join(dir, file);
      const scenario = parseScenario(readFileSync(path, 'utf8'));
      const output = runScenario(scenario);
      if (update) {
        writeFileSync(path, `${scenario.head.replace(/\n+$/, '')}\n${SCENARIO_SEPARATOR}\n${output}`);
        return;
      }
      expect(scenario.expected, `${file} has no expected block: run with UPDATE_GOLDEN=1`).toBeDefined();
      expect(output).toBe(scenario.expected);
    });
  }
});

describe('the scenario parser', () => {
  const ok = 'algorithm chandy-lamport\nnode a 10\nnode b 10\nlink a <-> b 5\nat 1 transfer a b 3\nat 2 snapshot a s\nrun 50\n';

  it('reads a topology and a script', () => {
    const s = parseScenario(ok);
    expect(s.balances).toEqual({ a: 10, b: 10 });
    expect(s.links).toEqual([
      { from: 'a', to: 'b', latency: { kind: 'constant', ms: 5 } },
      { from: 'b', to: 'a', latency: { kind: 'constant', ms: 5 } },
    ]);
    expect(s.script.map((x) => x.kind)).toEqual(['transfer', 'snapshot']);
    expect(s.untilMs).toBe(50);
    expect(s.expected).toBeUndefined();
  });

  it('names the line of each mistake', () => {
    const cases: [string, RegExp][] = [
      [ok.replace('node b 10', 'node b ten'), /line 3: the balance must be a number/],
      [ok.replace('at 1 transfer a b 3', 'at 1 transfer a z 3'), /line 5: "z" is not a node/],
      [ok.replace('link a <-> b 5', 'link a -> b 5'), /line 4: expected: link <from> <to> <latency>/],
      [ok.replace('at 2 snapshot a s', 'at 2 snapshop a s'), /line 6: after "at <ms>" comes transfer or snapshot/],
      [ok.replace('run 50', 'walk 50'), /line 7: unknown command "walk"/],
      [ok.replace('link a <-> b 5', 'link b a 5'), /line 5: there is no link a -> b to transfer on/],
      [ok.replace('algorithm chandy-lamport', 'algorithm paxos'), /line 1: algorithm must be chandy-lamport or lai-yang/],
      [ok.replace('run 50', 'run 1'), /line 6: at 2 ms is after the end of the run/],
    ];
    for (const [text, message] of cases) expect(() => parseScenario(text)).toThrow(message);
    expect(() => parseScenario(ok.replace('run 50\n', ''))).toThrow(/never runs/);
  });
});
