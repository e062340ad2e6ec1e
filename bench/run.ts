/**
 * `npm run bench`: every performance target, measured side by side with its baseline in one run.
 * Figures are ratios against a baseline measured on the same machine at the same time, so they mean
 * something on any machine; the absolute numbers are printed too.
 */
import { benchCloudAdapters } from './cloud-adapters.js';
import { benchLocalAi } from './local-ai.js';
import { benchPipeline } from './pipeline.js';

const sections: [string, () => Promise<string[]>][] = [
  ['Pipeline (issue 2)', benchPipeline],
  ['Local AI (issue 4)', benchLocalAi],
  ['Cloud adapters over their wire-protocol servers (issue 5)', benchCloudAdapters],
];

for (const [title, run] of sections) {
  console.log(`\n## ${title}`);
  for (const line of await run()) console.log(line);
}
