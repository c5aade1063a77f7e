/**
 * Readable scenario files for the snapshot layer, after etcd-io/raft's `testdata/*.txt`: a topology, a script of
 * events, then `----` and the expected recorded states, which the test regenerates on purpose (`UPDATE_GOLDEN=1`)
 * and never by hand. The same files can drive a figure in the chapter.
 *
 * The language, one command a line (`#` starts a comment):
 *
 *     algorithm chandy-lamport        # or lai-yang
 *     fifo true                       # optional; default true for chandy-lamport, false for lai-yang
 *     seed 7                          # optional (default 1); it draws the latencies given as ranges
 *     node a 100                      # a node and its initial balance
 *     link a b 10                     # a directed channel a -> b whose messages take 10 ms
 *     link b c 5-30                   # ... or a uniformly drawn latency in [5, 30] ms
 *     link a <-> c 10                 # both directions at once
 *     at 5 transfer a b 30            # at 5 ms, a sends 30 to b
 *     at 7 snapshot a s1              # at 7 ms, a starts snapshot s1
 *     run 200                         # run until 200 ms (once, after the script)
 *     ----
 *     (the expected output of runScenario)
 */
import type { Intervention } from '../sim/interventions';
import type { Latency, LinkOverride } from '../sim/network';
import { formatCheck } from '../sim/check';
import { eventsOfKind } from '../sim/trace';
import { runBank, transfer, TRANSFER_REFUSED_LOG } from './bank';
import type { BankRun } from './bank';
import type { Channel, SnapshotAlgorithm } from './types';

export type ScenarioStep =
  | { atMs: number; kind: 'transfer'; from: string; to: string; amount: number; line: number }
  | { atMs: number; kind: 'snapshot'; node: string; id: string; line: number };

/** A parsed scenario file. `expected` is the text after `----` (undefined when the file has none yet). */
export interface Scenario {
  algorithm: SnapshotAlgorithm;
  fifo?: boolean;
  seed: number;
  balances: Record<string, number>;
  links: { from: string; to: string; latency: Latency }[];
  script: ScenarioStep[];
  untilMs: number;
  /** The file's text up to and excluding the `----` line, to rewrite the expected block after it. */
  head: string;
  expected?: string;
}

/** The line that separates a scenario's commands from its expected output. */
export const SCENARIO_SEPARATOR = '----';

function parseLatency(text: string, fail: (message: string) => never): Latency {
  const range = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(text);
  if (range) {
    const minMs = Number(range[1]);
    const maxMs = Number(range[2]);
    if (maxMs < minMs) fail(`latency range ${text} runs backwards`);
    return { kind: 'uniform', minMs, maxMs };
  }
  if (/^\d+(?:\.\d+)?$/.test(text)) return { kind: 'constant', ms: Number(text) };
  return fail(`latency must be a number of ms like 10 or a range like 5-30 (got "${text}")`);
}

/** Parses a scenario file; every error names the line it is on. */
export function parseScenario(text: string): Scenario {
  const lines = text.split('\n');
  const separator = lines.findIndex((l) => l.trim() === SCENARIO_SEPARATOR);
  const commands = separator < 0 ? lines : lines.slice(0, separator);
  const scenario: Scenario = {
    algorithm: 'chandy-lamport',
    seed: 1,
    balances: {},
    links: [],
    script: [],
    untilMs: NaN,
    head: commands.join('\n'),
  };
  if (separator >= 0) scenario.expected = lines.slice(separator + 1).join('\n');
  let sawAlgorithm = false;
  commands.forEach((raw, index) => {
    const line = index + 1;
    const fail = (message: string): never => {
      throw new Error(`line ${line}: ${message}\n  ${raw.trim()}`);
    };
    const words = raw.replace(/#.*/, '').trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return;
    const number = (word: string | undefined, what: string): number => {
      if (word === undefined || !/^-?\d+(?:\.\d+)?$/.test(word)) fail(`${what} must be a number (got ${word === undefined ? 'nothing' : `"${word}"`})`);
      return Number(word);
    };
    const nodeName = (word: string | undefined): string => {
      if (word === undefined) fail('a node name is missing');
      if (!(word! in scenario.balances)) fail(`"${word}" is not a node (declare it first with: node ${word} <balance>)`);
      return word!;
    };
    const arity = (n: number, usage: string) => {
      if (words.length !== n) fail(`expected: ${usage}`);
    };
    switch (words[0]) {
      case 'algorithm':
        arity(2, 'algorithm chandy-lamport | lai-yang');
        if (words[1] !== 'chandy-lamport' && words[1] !== 'lai-yang') fail(`algorithm must be chandy-lamport or lai-yang (got "${words[1]}")`);
        scenario.algorithm = words[1] as SnapshotAlgorithm;
        sawAlgorithm = true;
        return;
      case 'fifo':
        arity(2, 'fifo true | false');
        if (words[1] !== 'true' && words[1] !== 'false') fail(`fifo must be true or false (got "${words[1]}")`);
        scenario.fifo = words[1] === 'true';
        return;
      case 'seed':
        arity(2, 'seed <number>');
        scenario.seed = number(words[1], 'the seed');
        return;
      case 'node': {
        arity(3, 'node <name> <balance>');
        const name = words[1]!;
        if (name in scenario.balances) fail(`node ${name} is declared twice`);
        scenario.balances[name] = number(words[2], 'the balance');
        return;
      }
      case 'link': {
        const both = words[2] === '<->';
        if (both) arity(5, 'link <from> <-> <to> <latency>');
        else arity(4, 'link <from> <to> <latency>');
        const from = nodeName(words[1]);
        const to = nodeName(words[both ? 3 : 2]);
        if (from === to) fail(`a link joins two different nodes (got ${from} to itself)`);
        const latency = parseLatency(words[both ? 4 : 3]!, fail);
        const pairs: [string, string][] = both ? [[from, to], [to, from]] : [[from, to]];
        for (const [f, t] of pairs) {
          if (scenario.links.some((l) => l.from === f && l.to === t)) fail(`link ${f} -> ${t} is declared twice`);
          scenario.links.push({ from: f, to: t, latency });
        }
        return;
      }
      case 'at': {
        const atMs = number(words[1], 'the time');
        if (atMs < 0) fail('the time must not be negative');
        if (words[2] === 'transfer') {
          arity(6, 'at <ms> transfer <from> <to> <amount>');
          const from = nodeName(words[3]);
          const to = nodeName(words[4]);
          if (!scenario.links.some((l) => l.from === from && l.to === to)) fail(`there is no link ${from} -> ${to} to transfer on`);
          scenario.script.push({ atMs, kind: 'transfer', from, to, amount: number(words[5], 'the amount'), line });
        } else if (words[2] === 'snapshot') {
          arity(5, 'at <ms> snapshot <node> <id>');
          scenario.script.push({ atMs, kind: 'snapshot', node: nodeName(words[3]), id: words[4]!, line });
        } else {
          fail(`after "at <ms>" comes transfer or snapshot (got "${words[2] ?? ''}")`);
        }
        return;
      }
      case 'run':
        arity(2, 'run <ms>');
        if (!Number.isNaN(scenario.untilMs)) fail('run is given twice; a scenario runs once, until the time given');
        scenario.untilMs = number(words[1], 'the end time');
        return;
      default:
        fail(`unknown command "${words[0]}" (commands: algorithm, fifo, seed, node, link, at, run)`);
    }
  });
  if (!sawAlgorithm) throw new Error('the scenario must say which algorithm it runs: algorithm chandy-lamport | lai-yang');
  if (Object.keys(scenario.balances).length === 0) throw new Error('the scenario declares no node: node <name> <balance>');
  if (scenario.links.length === 0) throw new Error('the scenario declares no link: link <from> <to> <latency>');
  if (Number.isNaN(scenario.untilMs)) throw new Error('the scenario never runs: end the script with run <ms>');
  for (const step of scenario.script) {
    if (step.atMs > scenario.untilMs) throw new Error(`line ${step.line}: at ${step.atMs} ms is after the end of the run (run ${scenario.untilMs})`);
  }
  return scenario;
}

/** Runs a scenario's bank under the snapshot layer. */
export function scenarioRun(scenario: Scenario): BankRun {
  const channels: Channel[] = scenario.links.map((l) => ({ from: l.from, to: l.to }));
  const links: LinkOverride[] = scenario.links.map((l) => ({ from: l.from, to: l.to, latency: l.latency }));
  const transfers: Intervention[] = scenario.script.flatMap((s) =>
    s.kind === 'transfer' ? [{ atMs: s.atMs, kind: 'request' as const, node: s.from, request: transfer(s.to, s.amount) }] : [],
  );
  return runBank({
    seed: scenario.seed,
    balances: scenario.balances,
    channels,
    algorithm: scenario.algorithm,
    ...(scenario.fifo !== undefined ? { fifo: scenario.fifo } : {}),
    links,
    transfers,
    snapshots: scenario.script.flatMap((s) => (s.kind === 'snapshot' ? [{ atMs: s.atMs, node: s.node, id: s.id }] : [])),
    untilMs: scenario.untilMs,
  });
}

const ms = (t: number) => `${Number(t.toFixed(3))} ms`;

/**
 * The expected-output block of a scenario: the run in one line, then per snapshot (in the order they were first
 * recorded) who started it and when, each node's recorded balance, each channel's recorded transfers (`#seq:amount`),
 * the recorded total and every check's verdict.
 */
export function runScenario(scenario: Scenario): string {
  const run = scenarioRun(scenario);
  const out: string[] = [];
  const sends = eventsOfKind(run.trace, 'send');
  const markers = sends.filter((e) => (e.message as { type: string }).type === 'marker').length;
  const refused = eventsOfKind(run.trace, 'log').filter((e) => e.text === TRANSFER_REFUSED_LOG).length;
  const final = new Map<string, number>();
  for (const e of eventsOfKind(run.trace, 'state')) final.set(e.node, (e.state as { app: { balance: number } }).app.balance);
  out.push(`run: ${run.fifo ? 'FIFO' : 'non-FIFO'} links, ${sends.length - markers} transfers sent, ${refused} refused, ${markers} markers; total ${run.total}`);
  out.push(`final balances: ${[...final].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, b]) => `${n}=${b}`).join(' ')}`);
  for (const s of run.snapshots) {
    out.push('');
    out.push(`snapshot ${s.snapshotId} (${s.algorithm}) started by ${s.initiators.join(', ') || 'nobody'} at ${ms(s.startedAtMs)}, ${s.complete ? `complete at ${ms(s.completedAtMs!)}` : `incomplete: missing ${s.missing.join(', ')}`}`);
    for (const [node, state] of Object.entries(s.states).sort(([a], [b]) => (a < b ? -1 : 1))) {
      out.push(`  ${node}: balance ${state.balance} (recorded at ${ms(s.recordings[node]!.recordedAtMs)})`);
    }
    let inFlight = 0;
    for (const c of s.channels) {
      inFlight += c.messages.reduce((sum, m) => sum + m.message.amount, 0);
      out.push(`  ${c.from} -> ${c.to}: [${c.messages.map((m) => `#${m.seq}:${m.message.amount}`).join(' ')}]`);
    }
    const inStates = Object.values(s.states).reduce((sum, st) => sum + st.balance, 0);
    out.push(`  recorded total ${inStates + inFlight} = ${inStates} in balances + ${inFlight} in channels`);
    for (const c of run.checks[s.snapshotId]!) out.push(`  ${formatCheck(c)}`);
  }
  return out.join('\n') + '\n';
}
