// Prints the changes between two versions of a GraphQL SDL file, by criticality
// (@graphql-inspector/core), and exits 1 when one of them is breaking.
// Usage: node diff.mjs OLD.graphql NEW.graphql [--allow-breaking]
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { diff, CriticalityLevel } from '@graphql-inspector/core';

const args = process.argv.slice(2);
const allowBreaking = args.includes('--allow-breaking');
const [oldPath, newPath] = args.filter((a) => !a.startsWith('--'));
if (!oldPath || !newPath) {
  console.error('usage: node diff.mjs OLD.graphql NEW.graphql [--allow-breaking]');
  process.exit(2);
}
const load = (path) => buildSchema(readFileSync(path, 'utf8'), { noLocation: true });
const changes = await diff(load(oldPath), load(newPath));

const levels = [
  [CriticalityLevel.Breaking, 'breaking'],
  [CriticalityLevel.Dangerous, 'dangerous'],
  [CriticalityLevel.NonBreaking, 'safe'],
];
const count = {};
for (const [level, label] of levels) {
  const these = changes.filter((c) => c.criticality.level === level);
  count[label] = these.length;
  for (const c of these) {
    const reason = c.criticality.reason && level !== CriticalityLevel.NonBreaking ? ` (${c.criticality.reason})` : '';
    console.log(`  ${label.padEnd(9)} ${c.message}${reason}`);
  }
}
console.log(`${changes.length} change(s): ${count.breaking} breaking, ${count.dangerous} dangerous, ${count.safe} safe`);
if (count.breaking > 0 && !allowBreaking) process.exit(1);
