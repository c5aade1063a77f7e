/**
 * The exercises of "Content delivery networks", in the order the chapter places them (its test holds the page to
 * this order); each lives in its own file under exercises/, with its test beside it.
 *
 * - Caching and cost: in code, CLOCK with byte sizes, graded against an oracle and on hidden Zipf workloads
 *   (`clock-policy`); the 95th-percentile bill of a traffic table (`percentile-bill`); origin load behind a shield
 *   (`origin-load`); LRU, LFU and FIFO by hand (`eviction-trace`).
 * - Latency and routing: time to the first byte through an edge and direct (`first-byte`); which PoP anycast's
 *   shortest AS path picks, against the lowest RTT (`anycast-pick`); in code, the authoritative server's choice
 *   of site under a latency budget, plugged into a failover run (`site-mapper`).
 * - In code, request collapsing in flash crowds (`collapse`); and until when DNS keeps sending clients to a dead
 *   site (`dns-ttl`).
 */
import type { ExerciseSet } from '../catalog';
import { anycastPick } from './exercises/anycast-pick';
import { clockPolicyExercise } from './exercises/clock-policy';
import { collapseExercise } from './exercises/collapse';
import { dnsTtl } from './exercises/dns-ttl';
import { evictionTrace } from './exercises/eviction-trace';
import { firstByteExercise } from './exercises/first-byte';
import { originLoadExercise } from './exercises/origin-load';
import { percentileBillExercise } from './exercises/percentile-bill';
import { siteMapperExercise } from './exercises/site-mapper';

export const exerciseSet: ExerciseSet = {
  chapter: 'serving/cdn',
  exercises: [clockPolicyExercise, percentileBillExercise, originLoadExercise, firstByteExercise, evictionTrace, anycastPick, siteMapperExercise, collapseExercise, dnsTtl],
};
