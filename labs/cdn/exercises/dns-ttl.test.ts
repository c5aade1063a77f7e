// Method: the stated bound (marked down at (⌊t₀/H⌋ + 1 + F)·H, clients sent there until that plus the TTL) is held
// to the lab's runFailover with DNS routing and 1 ms links, on variants of the exercise scaled down so the runs
// stay short: in every run the server marks the site down exactly then, no request reaches the dead site after the
// bound (plus the few ms of link delay the prompt neglects), and in some runs one arrives within a second of it, so
// the worst case happens. Then the usual: the answer passes every variant, and every known mistake is told apart
// and gets its own feedback.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { itExplainsEveryMistake, itPassesEveryVariant } from '../../exercises/test-support';
import { Random } from '../../sim/random';
import { runFailover } from '../failover';
import { dnsTtl, lastSendBoundMs, markedDownAtMs, type DnsTtlParams } from './dns-ttl';

describe('RFC 1034 §4.3.5: DNS failover is detection plus TTL', () => {
  itPassesEveryVariant([dnsTtl]);
  itExplainsEveryMistake([dnsTtl], enumerateSeeds(2000), 100);

  it('runFailover marks the site down when the bound says, and no client is sent there after the bound', () => {
    let nearBound = 0;
    const runs = 12;
    for (let i = 0; i < runs; i++) {
      const rng = new Random(i).fork('dns-ttl-run');
      const H = rng.pick([500, 1000]);
      const p: DnsTtlParams = { healthCheckEveryMs: H, failuresToMarkDown: rng.int(2, 4), ttlSeconds: rng.pick([2, 3, 5]), failAtMs: H * rng.int(3, 6) + rng.int(50, H - 50) };
      const regions = ['r1', 'r2', 'r3', 'r4'];
      const run = runFailover({
        seed: i,
        regions: regions.map((id) => ({ id, clients: 4 })),
        // Equal loads and RTTs: the mapper's tie-break by id sends everyone to fra until it is marked down.
        sites: [{ id: 'fra', region: 'r1' }, { id: 'lhr', region: 'r2' }],
        latencyMs: { r1: { r1: 1, r2: 1, r3: 1, r4: 1 }, r2: { r2: 1, r3: 1, r4: 1 }, r3: { r3: 1, r4: 1 }, r4: { r4: 1 } },
        routing: { kind: 'dns', ttlSeconds: p.ttlSeconds, healthCheckEveryMs: H, failuresToMarkDown: p.failuresToMarkDown, budgetMs: 100 },
        requestEveryMs: 200,
        downloadFraction: 0,
        failures: [{ site: 'fra', atMs: p.failAtMs }],
        untilMs: lastSendBoundMs(p) + 3000,
      });
      const outage = run.outages[0];
      expect(outage?.detectedAtMs, `run ${i}`).toBe(markedDownAtMs(p));
      expect(outage?.lastRequestToDeadSiteMs, `run ${i}`).toBeLessThanOrEqual(lastSendBoundMs(p) + 5);
      if ((outage?.lastRequestToDeadSiteMs ?? 0) > lastSendBoundMs(p) - 1000) nearBound++;
    }
    expect(nearBound).toBeGreaterThan(0);
  });

  it('variants fail between checks, so the floor matters', () => {
    for (const seed of enumerateSeeds(500)) {
      const p = variantParams(dnsTtl, seed) as DnsTtlParams;
      expect(p.failAtMs % p.healthCheckEveryMs).toBeGreaterThanOrEqual(100);
      expect(p.healthCheckEveryMs - (p.failAtMs % p.healthCheckEveryMs)).toBeGreaterThanOrEqual(100);
    }
  });
});
