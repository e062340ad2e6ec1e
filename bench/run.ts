/**
 * `npm run bench`: every performance target, measured side by side with its baseline in one run.
 * Figures are ratios against a baseline measured on the same machine at the same time, so they mean
 * something on any machine; the absolute numbers are printed too. Each section is its own module,
 * runnable alone; add a section by adding a line below.
 */
import { availableParallelism, loadavg } from 'node:os';
import { benchCloudAdapters } from './cloud-adapters.js';
import { benchLocalAi } from './local-ai.js';
import { benchOfflineAi } from './offline-ai.js';
import { benchPipeline } from './pipeline.js';
import { benchSearch } from './search.js';

const sections: [string, () => Promise<string[]>][] = [
  ['Pipeline: P1, P2, P4 (issue 12)', benchPipeline],
  ['Local AI: P3 (issue 4)', benchLocalAi],
  ['Offline AI on worker threads: P5, P6, P4 with AI threads (issue 12)', benchOfflineAi],
  ['Cloud adapters over their wire-protocol servers (issue 5)', benchCloudAdapters],
  ['Search: q= over 10,000 photos against a plain list (issue 15)', benchSearch],
];

// Wall-clock ratios assume the machine is not busy with other work: the load is printed to judge that.
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
const started = performance.now();
console.log(`npm run bench: ${load()}`);
for (const [title, run] of sections) {
  console.log(`\n## ${title}`);
  for (const line of await run()) console.log(line);
  console.log(`   (${load()})`);
}
console.log(`\nbench finished in ${((performance.now() - started) / 60_000).toFixed(1)} min`);
