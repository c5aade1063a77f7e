/**
 * The book's glossary: one short definition per term, each pointing at the section that teaches it. Chapters link
 * a term where they first use it, as `[term](../../glossary/#id)`; the glossary page (`content/chapters/glossary.mdx`)
 * lists the terms alphabetically with a link back to their section. Tests hold the three together: every link from
 * a chapter names a term here, every term here is linked from the chapter that teaches it, and every section
 * exists in the built site.
 *
 * Definitions are plain text; `code` in backticks is the one piece of markup they may use, as in chapter
 * objectives.
 */

/** One term. `id` is its anchor on the glossary page; `taught` is the chapter id and the section's heading id. */
export interface GlossaryEntry {
  id: string;
  term: string;
  definition: string;
  taught: { chapter: string; section: string };
}

export const glossary: GlossaryEntry[] = [
  {
    id: 'aligned-checkpoint',
    term: 'aligned checkpoint',
    definition: 'A barrier snapshot in which a task with several inputs stops taking records from each input once that input\'s barrier has arrived, until the barriers of all inputs have arrived, and only then saves its state. Every channel is empty at the cut, so the checkpoint is the sources\' positions and the operators\' states (Carbone et al. 2015).',
    taught: { chapter: 'global-state/snapshots', section: 'barrier-snapshots-in-stream-processors' },
  },
  {
    id: 'anycast',
    term: 'anycast',
    definition: "Announcing the same block of addresses from many sites, so that the Internet's routing (BGP) delivers each client's packets to one of them, the one its network's routes lead to. BGP prefers short AS paths, not low latency, and a route change can move a connection in flight to a site that does not know it.",
    taught: { chapter: 'serving/cdn', section: 'anycast' },
  },
  {
    id: 'bounded-loads',
    term: 'consistent hashing with bounded loads',
    definition: 'Consistent hashing in which every node takes at most ⌈(1 + ε) × average⌉ keys; a key whose successor is full goes to the next node clockwise with room. It caps the busiest node at the price of moving a few more keys on a change.',
    taught: { chapter: 'scale/partitioning', section: 'bounded-loads' },
  },
  {
    id: 'cap-theorem',
    term: 'CAP theorem',
    definition: 'Gilbert and Lynch\'s theorem (2002), after Brewer\'s conjecture: in a network that may lose messages, no read/write register can be both linearizable and available, meaning that every request to a node that has not failed gets an answer. A system must choose, during a partition, between refusing some requests and answering some inconsistently.',
    taught: { chapter: 'consistency/consistency-models', section: 'what-gilbert-and-lynch-proved' },
  },
  {
    id: 'causal-consistency',
    term: 'causal consistency',
    definition: 'A consistency model in which every client sees writes in an order that respects causality: a client\'s own order, and a write before every read that returned its value, transitively. Clients may disagree on the order of concurrent writes.',
    taught: { chapter: 'consistency/consistency-models', section: 'causal-consistency' },
  },
  {
    id: 'channel-state',
    term: 'channel state',
    definition: 'In a global snapshot, the messages recorded as in flight on one channel: sent before the sender recorded its state and not received before the receiver recorded its own. Chandy-Lamport records them as they arrive before the marker; Lai-Yang computes them by difference.',
    taught: { chapter: 'global-state/snapshots', section: 'the-marker-rules' },
  },
  {
    id: 'checkpoint',
    term: 'checkpoint',
    definition: 'A copy of a process\'s state saved on stable storage, from which it can restart after a crash. A set of checkpoints, one per process, is a safe restart point only if it forms a consistent cut.',
    taught: { chapter: 'global-state/snapshots', section: 'checkpoints-and-rollback-recovery' },
  },
  {
    id: 'churn',
    term: 'churn',
    definition: 'The continual arrival and departure (or failure) of nodes in a peer-to-peer system. Routing state decays under churn, so overlays repair it periodically and keep spare pointers such as successor lists.',
    taught: { chapter: 'scale/partitioning', section: 'joins-stabilisation-and-why-they-work' },
  },
  {
    id: 'clock-drift',
    term: 'clock drift',
    definition: 'How fast a clock\'s skew changes over time, the second derivative of its offset, as temperature and ageing move its oscillator\'s frequency. The NTP specification (RFC 5905) calls it the aging rate, and calls skew the frequency offset. Many texts use drift for what this book calls skew.',
    taught: { chapter: 'time/clocks', section: 'why-there-is-no-global-clock' },
  },
  {
    id: 'clock-offset',
    term: 'clock offset',
    definition: 'How far one clock\'s reading is from another\'s, or from true time, at a given moment. Synchronisation protocols such as NTP estimate it and correct it; they can bound it but never make it zero.',
    taught: { chapter: 'time/clocks', section: 'why-there-is-no-global-clock' },
  },
  {
    id: 'clock-skew',
    term: 'clock skew',
    definition: 'The difference between the rates of two clocks, or between a clock\'s rate and true time\'s: the first derivative of their offset, usually in parts per million. A skew of 50 ppm adds about 4.3 seconds of offset a day.',
    taught: { chapter: 'time/clocks', section: 'why-there-is-no-global-clock' },
  },
  {
    id: 'commit-wait',
    term: 'commit wait',
    definition: 'Spanner\'s rule: a transaction stamped with time s is not made visible until TrueTime guarantees that s has passed everywhere, that is, until the earliest possible current time exceeds s. It costs about twice the clock uncertainty ε per write and buys external consistency.',
    taught: { chapter: 'time/clocks', section: 'truetime-and-commit-wait' },
  },
  {
    id: 'concurrent-events',
    term: 'concurrent events',
    definition: 'Two events neither of which happened before the other: no chain of process steps and messages leads from one to the other. Concurrency is about causality, not about simultaneity in real time.',
    taught: { chapter: 'time/clocks', section: 'happens-before' },
  },
  {
    id: 'consensus',
    term: 'consensus',
    definition: 'The problem of getting processes that may fail to decide on one value: all that decide choose the same value (agreement), it was proposed by someone (validity), and every correct process eventually decides (termination).',
    taught: { chapter: 'agreement/consensus', section: 'the-problem' },
  },
  {
    id: 'consistent-cut',
    term: 'consistent cut',
    definition: 'A cut (a prefix of every process\'s events) that contains, with every event, every event that happened before it; equivalently, no message is received inside it and sent outside it. Its global state is one the system could have passed through.',
    taught: { chapter: 'global-state/snapshots', section: 'cuts-and-consistent-cuts' },
  },
  {
    id: 'consistent-hashing',
    term: 'consistent hashing',
    definition: 'Placing keys and nodes on one circle of hash values, each key on the first node clockwise from it. When a node joins or leaves, only the keys between it and its neighbour move, about 1/n of them.',
    taught: { chapter: 'scale/partitioning', section: 'consistent-hashing' },
  },
  {
    id: 'distributed-hash-table',
    term: 'distributed hash table (DHT)',
    definition: 'A key-to-node mapping spread over many nodes, none of which knows all the others: each keeps a small routing table, and a lookup is forwarded from node to node, typically in O(log N) hops. Chord, Pastry and Kademlia are examples.',
    taught: { chapter: 'scale/partitioning', section: 'structured-overlays-finding-a-key-among-thousands' },
  },
  {
    id: 'domino-effect',
    term: 'domino effect',
    definition: 'The cascade of rollbacks in recovery from uncoordinated checkpoints: rolling one process back turns messages it had sent into orphans, whose receivers must roll back too, possibly all the way to the initial state (Randell 1975).',
    taught: { chapter: 'global-state/snapshots', section: 'checkpoints-and-rollback-recovery' },
  },
  {
    id: 'eventual-consistency',
    term: 'eventual consistency',
    definition: 'The promise that if writes stop, all replicas eventually converge and every read returns the last value written. It is a liveness property: it says nothing about what reads return before the writes stop.',
    taught: { chapter: 'consistency/consistency-models', section: 'eventual-consistency' },
  },
  {
    id: 'exactly-once',
    term: 'exactly-once processing',
    definition: 'The guarantee of a stream processor that after a failure and recovery its state, and with a cooperating sink its output, are as if every input record had been processed once, although records after the last snapshot are in fact processed again.',
    taught: { chapter: 'global-state/snapshots', section: 'barrier-snapshots-in-stream-processors' },
  },
  {
    id: 'external-consistency',
    term: 'external consistency',
    definition: 'If transaction T1 commits before T2 starts, in real time, then T1\'s timestamp is smaller than T2\'s: the order of timestamps agrees with the order an outside observer sees.',
    taught: { chapter: 'time/clocks', section: 'truetime-and-commit-wait' },
  },
  {
    id: 'failure-detector',
    term: 'failure detector',
    definition: 'A component that tells each process which others it suspects to have crashed. It may be wrong; Chandra and Toueg showed that consensus becomes solvable with a detector that eventually suspects every crashed process and eventually stops suspecting some correct one, provided a majority of processes are correct.',
    taught: { chapter: 'agreement/consensus', section: 'flp-why-no-algorithm-can-guarantee-both' },
  },
  {
    id: 'fencing-token',
    term: 'fencing token',
    definition: 'A number, increasing with every grant of a lock or lease, that the holder must present to the storage it writes to; the storage refuses any token lower than one it has already seen, so a holder whose lease expired without its knowing cannot overwrite a newer holder\'s work.',
    taught: { chapter: 'agreement/consensus', section: 'leases-and-fencing-tokens' },
  },
  {
    id: 'finger-table',
    term: 'finger table',
    definition: 'A Chord node\'s routing table: finger i points to the first node at or after n + 2^i on the identifier circle. Fingers are dense near the node and sparse far away, so each hop of a lookup at least halves the remaining distance.',
    taught: { chapter: 'scale/partitioning', section: 'chord' },
  },
  {
    id: 'flp',
    term: 'FLP impossibility',
    definition: 'Fischer, Lynch and Paterson\'s theorem: in an asynchronous system where even one process may crash, no deterministic algorithm can guarantee that consensus always terminates. Practical algorithms stay safe always and make progress when the network behaves.',
    taught: { chapter: 'agreement/consensus', section: 'flp-why-no-algorithm-can-guarantee-both' },
  },
  {
    id: 'global-snapshot',
    term: 'global snapshot',
    definition: 'A recorded global state of a running system: one local state per process and one channel state per channel, recorded at different moments but forming a consistent cut. Chandy and Lamport (1985) showed it is reachable from the state in which recording began.',
    taught: { chapter: 'global-state/snapshots', section: 'the-marker-rules' },
  },
  {
    id: 'happens-before',
    term: 'happens-before',
    definition: 'Lamport\'s causal order on events, a → b: a comes before b on the same process, or a is the sending of a message that b receives, or a chain of such steps leads from a to b. Events not ordered either way are concurrent.',
    taught: { chapter: 'time/clocks', section: 'happens-before' },
  },
  {
    id: 'history',
    term: 'history (of operations)',
    definition: 'The record of what clients observed: each operation with its client, input, output, invocation and response times, and whether it succeeded, failed, or has an unknown outcome. Consistency models are sets of histories.',
    taught: { chapter: 'consistency/consistency-models', section: 'histories' },
  },
  {
    id: 'hit-ratio',
    term: 'hit ratio',
    definition: 'The share of requests a cache answers from a copy it holds, without asking the origin; the byte hit ratio is the same share counted in bytes. With a hit ratio h the origin sees a fraction 1 - h of the requests.',
    taught: { chapter: 'serving/cdn', section: 'what-the-origin-cannot-carry' },
  },
  {
    id: 'hot-key',
    term: 'hot key',
    definition: 'A key that receives a large share of all requests. Balanced placement of keys cannot spread it, since one key lives on one node; replicas, splitting and caching can.',
    taught: { chapter: 'scale/partitioning', section: 'hot-keys' },
  },
  {
    id: 'hybrid-logical-clock',
    term: 'hybrid logical clock (HLC)',
    definition: 'A timestamp (l, c) in which l tracks the largest physical time seen and c counts events that share it. It respects happens-before like a Lamport clock, never runs ahead of the node\'s physical clock by more than the largest offset between clocks, and has constant size.',
    taught: { chapter: 'time/clocks', section: 'hybrid-logical-clocks' },
  },
  {
    id: 'indeterminate-operation',
    term: 'indeterminate operation',
    definition: 'An operation whose client never learned the outcome, because of a timeout or a crash; Jepsen records it as :info. It may have taken effect at any time after its invocation, or never, so a checker may place it or leave it out.',
    taught: { chapter: 'consistency/consistency-models', section: 'histories' },
  },
  {
    id: 'internet-exchange-point',
    term: 'internet exchange point',
    definition: "A shared switching fabric, usually in a city's data centres, where many networks connect and exchange traffic with each other by peering through one port instead of a separate link to each.",
    taught: { chapter: 'serving/cdn', section: 'transit-peering-and-exchange-points' },
  },
  {
    id: 'k-bucket',
    term: 'k-bucket',
    definition: 'One list of a Kademlia routing table: up to k contacts whose XOR distance from the node lies in [2^i, 2^(i+1)). A full bucket keeps its longest-lived contact as long as it answers, rather than taking a newcomer.',
    taught: { chapter: 'scale/partitioning', section: 'kademlia' },
  },
  {
    id: 'lamport-clock',
    term: 'Lamport clock',
    definition: 'A counter per process, incremented at each event and carried on every message; a receiver jumps to one more than the larger of its own counter and the message\'s. If a happened before b, then L(a) < L(b); the converse does not hold.',
    taught: { chapter: 'time/clocks', section: 'lamport-clocks' },
  },
  {
    id: 'lease',
    term: 'lease',
    definition: 'A lock that expires by itself after a fixed time unless renewed, so that a crashed holder cannot block others for ever. Its safety depends on clocks agreeing on how long the lease lasts, which is why leases are paired with fencing tokens.',
    taught: { chapter: 'agreement/consensus', section: 'leases-and-fencing-tokens' },
  },
  {
    id: 'linearizability',
    term: 'linearizability',
    definition: 'The strongest single-object consistency model (Herlihy and Wing, 1990): there is one legal order of all operations that respects real time, as if each took effect atomically at a point between its invocation and its response. It is local: a store is linearizable exactly when each key is.',
    taught: { chapter: 'consistency/consistency-models', section: 'linearizability' },
  },
  {
    id: 'liveness',
    term: 'liveness property',
    definition: 'A property saying that something good eventually happens, such as every request being answered. No finite prefix of a run can violate it; a checker can only report that it has not happened yet.',
    taught: { chapter: 'start/how-to-read', section: 'checking-properties' },
  },
  {
    id: 'marker',
    term: 'marker (snapshot)',
    definition: 'The control message of the Chandy-Lamport snapshot algorithm, sent once on every outgoing channel right after a process records its state. On a FIFO channel it separates the messages sent before the recording from those sent after.',
    taught: { chapter: 'global-state/snapshots', section: 'the-marker-rules' },
  },
  {
    id: 'marzullo',
    term: 'Marzullo\'s algorithm',
    definition: 'Given time estimates from several sources, each an interval that should contain the true time, it finds the smallest interval consistent with the largest number of sources, so that a few false sources are outvoted. NTP\'s source selection descends from it.',
    taught: { chapter: 'time/clocks', section: 'agreeing-among-several-sources-marzullos-algorithm' },
  },
  {
    id: 'minimal-disruption',
    term: 'minimal disruption',
    definition: 'The property of a placement scheme that moves only the keys it must when a node joins or leaves: about 1/(n + 1) of them when an (n + 1)-th node joins. `hash(key) mod n` moves nearly all of them instead.',
    taught: { chapter: 'scale/partitioning', section: 'why-hashkey-mod-n-is-not-enough' },
  },
  {
    id: 'ntp',
    term: 'NTP',
    definition: 'The Network Time Protocol (RFC 5905). A client estimates its offset from a server with four timestamps of one request and reply, assuming the two directions take equally long; when they do not, the estimate is wrong by half the difference.',
    taught: { chapter: 'time/clocks', section: 'ntps-four-timestamps' },
  },
  {
    id: 'origin-shield',
    term: 'origin shield',
    definition: "A designated cache between a CDN's edge sites and the origin: edges that miss ask the shield, and only the shield asks the origin, so the origin sees at most one request per object per freshness lifetime whatever the number of edges.",
    taught: { chapter: 'serving/cdn', section: 'tiered-caching-and-origin-shields' },
  },
  {
    id: 'p-compositionality',
    term: 'P-compositionality',
    definition: 'Horn and Kroening\'s generalisation of linearizability\'s locality: a history can be split into parts, for example by key, such that the whole is linearizable exactly when every part is, so a checker searches each part on its own.',
    taught: { chapter: 'consistency/consistency-models', section: 'splitting-by-key' },
  },
  {
    id: 'pacelc',
    term: 'PACELC',
    definition: 'Abadi\'s extension of CAP (2012): if there is a partition, a system chooses between availability and consistency; else, between latency and consistency. Dynamo-style stores are PA/EL, consensus-backed stores such as Spanner PC/EC.',
    taught: { chapter: 'consistency/consistency-models', section: 'pacelc' },
  },
  {
    id: 'partial-synchrony',
    term: 'partial synchrony',
    definition: 'A model between synchronous and asynchronous: message delays and processing times have bounds, but the bounds are unknown or hold only after some unknown time. Consensus algorithms such as Paxos and Raft are safe always and make progress once the system behaves.',
    taught: { chapter: 'agreement/consensus', section: 'flp-why-no-algorithm-can-guarantee-both' },
  },
  {
    id: 'partition',
    term: 'network partition',
    definition: 'A failure that splits the nodes into groups that cannot exchange messages, while each group keeps running. It may be one-way, and it may heal.',
    taught: { chapter: 'start/how-to-read', section: 'faults-on-purpose' },
  },
  {
    id: 'paxos',
    term: 'Paxos',
    definition: 'Lamport\'s consensus algorithm: proposers run numbered ballots in two phases against a majority of acceptors. In the first phase a proposer asks a majority what they have already accepted, and it must then propose the value accepted in the highest ballot among them, which keeps a chosen value chosen.',
    taught: { chapter: 'agreement/consensus', section: 'single-decree-paxos' },
  },
  {
    id: 'peering',
    term: 'peering',
    definition: "An agreement between two networks to carry traffic destined for each other's customers, usually without payment, because each saves the transit it would otherwise buy for that traffic.",
    taught: { chapter: 'serving/cdn', section: 'transit-peering-and-exchange-points' },
  },
  {
    id: 'percentile-billing',
    term: '95th-percentile billing',
    definition: 'Billing a link by its rate: sample the average rate every few minutes (usually five) for a month, discard the highest 5% of the samples and bill the highest remaining one at a price per Mbps. Short bursts are free; a peak every day is billed.',
    taught: { chapter: 'serving/cdn', section: '95th-percentile-billing' },
  },
  {
    id: 'point-of-presence',
    term: 'point of presence',
    definition: 'A site of a content delivery network: servers and caches in one place, connected to the networks around it, that answer the clients routed to it. Often abbreviated PoP.',
    taught: { chapter: 'serving/cdn', section: 'why-content-delivery-networks-exist' },
  },
  {
    id: 'pram-consistency',
    term: 'PRAM consistency',
    definition: 'Pipelined RAM, or FIFO consistency (Lipton and Sandberg, 1988): every client sees each other client\'s writes in the order they were issued, but writes of different clients may be seen in different orders and causality across clients is not kept.',
    taught: { chapter: 'consistency/consistency-models', section: 'pram' },
  },
  {
    id: 'preference-list',
    term: 'preference list',
    definition: 'The first N distinct nodes clockwise from a key on a consistent-hashing ring: the key\'s owner followed by the nodes that hold its replicas, as in Dynamo.',
    taught: { chapter: 'scale/partitioning', section: 'consistent-hashing' },
  },
  {
    id: 'purge',
    term: 'purge',
    definition: 'A command to remove or invalidate an object in every cache of a CDN before its freshness lifetime ends. It spreads over the network, so a CDN can only promise a bound: no cache serves a version older than the purge once the bound has passed.',
    taught: { chapter: 'serving/cdn', section: 'purges' },
  },
  {
    id: 'quorum',
    term: 'quorum',
    definition: 'A set of nodes large enough that any two such sets share at least one node, most often a majority. Deciding only with a quorum is what prevents two conflicting decisions.',
    taught: { chapter: 'agreement/consensus', section: 'single-decree-paxos' },
  },
  {
    id: 'raft-term',
    term: 'term (Raft)',
    definition: 'Raft\'s logical period of leadership, numbered upwards: each term begins with an election and has at most one leader. A node that sees a higher term adopts it and steps down.',
    taught: { chapter: 'agreement/consensus', section: 'terms-and-elections-5152' },
  },
  {
    id: 'recovery-line',
    term: 'recovery line',
    definition: 'The most recent set of checkpoints, one per process, that together form a consistent cut, so that restarting every process from its checkpoint leaves no orphan message. Recovery from uncoordinated checkpoints must search for it.',
    taught: { chapter: 'global-state/snapshots', section: 'checkpoints-and-rollback-recovery' },
  },
  {
    id: 'rendezvous-hashing',
    term: 'rendezvous hashing',
    definition: 'Also called highest random weight: each key goes to the node for which hash(node, key) is largest. It is balanced without virtual nodes and minimally disruptive, at the cost of n hashes per lookup.',
    taught: { chapter: 'scale/partitioning', section: 'rendezvous-jump-and-maglev-hashing' },
  },
  {
    id: 'replication-factor',
    term: 'replication factor',
    definition: 'The number of copies of each item a system keeps, often written R or N. With copies on R nodes that fail independently, a sudden failure of a fraction f of the nodes loses about f^R of the items.',
    taught: { chapter: 'scale/partitioning', section: 'storing-keys-copies-on-the-successor-list' },
  },
  {
    id: 'request-collapsing',
    term: 'request collapsing',
    definition: 'Sending one upstream request per object while other requests for the same object wait for its answer, instead of forwarding every miss; RFC 9111 calls the waiting requests collapsed. A request must not be given an answer older than itself.',
    taught: { chapter: 'serving/cdn', section: 'request-collapsing' },
  },
  {
    id: 'safety',
    term: 'safety property',
    definition: 'A property saying that something bad never happens, such as two leaders in one term. A violation is visible in a finite prefix of the run, so a checker can point at the event where it happened.',
    taught: { chapter: 'start/how-to-read', section: 'checking-properties' },
  },
  {
    id: 'seed',
    term: 'seed',
    definition: 'The number from which the simulator derives every random choice of a run: delays, losses, timer phases. The same seed and the same interventions replay the same run exactly.',
    taught: { chapter: 'start/how-to-read', section: 'the-simulator-owns-time-and-chance' },
  },
  {
    id: 'sequential-consistency',
    term: 'sequential consistency',
    definition: 'Lamport\'s model (1979): the operations could have run in one total order that keeps each client\'s own order and is legal for the data type. Unlike linearizability it ignores real time, so a client may read an old value long after a newer write completed.',
    taught: { chapter: 'consistency/consistency-models', section: 'sequential-consistency' },
  },
  {
    id: 'serializability',
    term: 'serializability',
    definition: 'The classic isolation level of transactions: the committed transactions have the same effect as some serial execution of them, one at a time, in an order that need not respect real time.',
    taught: { chapter: 'consistency/consistency-models', section: 'transactions-serializability-and-snapshot-isolation' },
  },
  {
    id: 'session-guarantees',
    term: 'session guarantees',
    definition: 'Four promises to a single client of a replicated store (Terry et al., 1994): read your writes, monotonic reads, monotonic writes and writes follow reads. Stated, as Terry et al. state them, about servers that may each apply concurrent writes in their own order, the four together are equivalent to causal consistency.',
    taught: { chapter: 'consistency/consistency-models', section: 'session-guarantees' },
  },
  {
    id: 'snapshot-isolation',
    term: 'snapshot isolation',
    definition: 'An isolation level in which each transaction reads a snapshot of the data committed when it started and commits only if no concurrent transaction wrote the same items. It admits write skew, so it is weaker than serializability.',
    taught: { chapter: 'consistency/consistency-models', section: 'transactions-serializability-and-snapshot-isolation' },
  },
  {
    id: 'space-time-diagram',
    term: 'space-time diagram',
    definition: 'A picture of a run with one line per process and time running along it; arrows from one line to another are messages. Causality follows the lines and the arrows.',
    taught: { chapter: 'start/how-to-read', section: 'reading-a-space-time-diagram' },
  },
  {
    id: 'split-brain',
    term: 'split brain',
    definition: 'A failure in which two nodes each believe they are the only primary and both accept writes, usually after a partition or a pause. Electing the primary by majority quorum prevents it, because two sides of a partition cannot both hold a majority, and fencing tokens stop a deposed primary\'s late writes; neither keeps writes that were replicated asynchronously when a primary is replaced.',
    taught: { chapter: 'consistency/consistency-models', section: 'partitions-and-the-cap-theorem' },
  },
  {
    id: 'stabilisation',
    term: 'stabilisation',
    definition: 'Chord\'s periodic repair: each node asks its successor for the successor\'s predecessor, adopts it if it lies in between, and notifies its successor of itself. Starting from any correct successor, joins are woven into the ring this way.',
    taught: { chapter: 'scale/partitioning', section: 'joins-stabilisation-and-why-they-work' },
  },
  {
    id: 'stale-while-revalidate',
    term: 'stale-while-revalidate',
    definition: 'An HTTP Cache-Control directive (RFC 5861) that lets a cache serve a copy for a stated time after it expires while it fetches a fresh one in the background, so no reader waits for the origin.',
    taught: { chapter: 'serving/cdn', section: 'serving-stale-stale-while-revalidate-and-stale-if-error' },
  },
  {
    id: 'state-machine',
    term: 'state machine (node)',
    definition: 'How this book writes a node: a pure function from its state and one input (a message, a timer, a client request) to a new state and a list of effects (sends, timers, replies). It reads no clock and draws no randomness of its own.',
    taught: { chapter: 'start/how-to-read', section: 'nodes-are-state-machines' },
  },
  {
    id: 'state-machine-replication',
    term: 'state machine replication',
    definition: 'Running the same deterministic service on several machines and feeding every copy the same commands in the same order, so that all copies go through the same states. Agreeing on that order is a sequence of consensus decisions: a replicated log.',
    taught: { chapter: 'agreement/consensus', section: 'state-machine-replication-concretely' },
  },
  {
    id: 'strict-serializability',
    term: 'strict serializability',
    definition: 'Serializability whose serial order also respects real time: a transaction that committed before another began comes first. It is linearizability with each transaction treated as one operation on the whole database.',
    taught: { chapter: 'consistency/consistency-models', section: 'transactions-serializability-and-snapshot-isolation' },
  },
  {
    id: 'successor-list',
    term: 'successor list',
    definition: 'The next r nodes clockwise that a Chord node keeps, so that when its successor fails it can skip to the next live one. With r = Ω(log N) the ring survives even the sudden failure of half the nodes, with high probability.',
    taught: { chapter: 'scale/partitioning', section: 'joins-stabilisation-and-why-they-work' },
  },
  {
    id: 'system-model',
    term: 'system model',
    definition: 'The assumptions an algorithm is correct under: how processes fail (crash-stop, crash-recovery, omission, Byzantine), what is known about timing (synchronous, partially synchronous, asynchronous) and what links may do to messages.',
    taught: { chapter: 'start/how-to-read', section: 'system-models' },
  },
  {
    id: 'truetime',
    term: 'TrueTime',
    definition: 'Google\'s clock interface in Spanner: it returns an interval [earliest, latest] guaranteed to contain the true time, whose width 2ε comes from GPS and atomic-clock references and a bound on how fast a clock can run away from them.',
    taught: { chapter: 'time/clocks', section: 'truetime-and-commit-wait' },
  },
  {
    id: 'ttl',
    term: 'time to live (TTL)',
    definition: 'How long a cached answer may be used before it must be fetched again: in DNS, the seconds a resolver may reuse a record; in HTTP, the freshness lifetime a response carries. A short TTL reacts to change quickly at the price of more queries.',
    taught: { chapter: 'serving/cdn', section: 'mapping-by-dns' },
  },
  {
    id: 'vector-clock',
    term: 'vector clock',
    definition: 'One counter per process, carried on every message and merged by element-wise maximum. It characterises causality: a happened before b exactly when a\'s vector is below b\'s, and incomparable vectors mean concurrent events.',
    taught: { chapter: 'time/clocks', section: 'vector-clocks' },
  },
  {
    id: 'version-vector',
    term: 'version vector',
    definition: 'A vector with one entry per replica attached to each version of a data item and incremented on writes. Ordered vectors mean one version supersedes the other; incomparable ones mean concurrent writes that must be merged.',
    taught: { chapter: 'time/clocks', section: 'version-vectors-in-practice' },
  },
  {
    id: 'virtual-node',
    term: 'virtual node (vnode)',
    definition: 'One of many points at which a single machine sits on a consistent-hashing ring. More points per machine make the machines\' shares of the circle more even, and spread a leaving machine\'s keys over many others.',
    taught: { chapter: 'scale/partitioning', section: 'consistent-hashing' },
  },
  {
    id: 'xor-metric',
    term: 'XOR metric',
    definition: 'Kademlia\'s distance between two identifiers: their bitwise exclusive or, read as a number. It is symmetric and unidirectional, so lookups for the same key converge on the same nodes.',
    taught: { chapter: 'scale/partitioning', section: 'kademlia' },
  },
];

/** The entries in the glossary page's order: alphabetical by term, ignoring case. */
export function glossaryInOrder(entries: readonly GlossaryEntry[] = glossary): GlossaryEntry[] {
  return [...entries].sort((a, b) => a.term.localeCompare(b.term, 'en', { sensitivity: 'base' }));
}

/** The glossary ids a chapter's source links to, from links of the form `(../../glossary/#id)`. */
export function glossaryLinks(source: string): string[] {
  return [...source.matchAll(/\]\((?:\.\.\/)+glossary\/#([a-z0-9-]+)\)/g)].map((m) => m[1] as string);
}
