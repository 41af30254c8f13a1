import { BUILT_IN_SPAWNERS, type Spawner } from '../project/spawners';

export const README_SPAWNERS_START = '<!-- spawners:start -->';
export const README_SPAWNERS_END = '<!-- spawners:end -->';

/** The README's table of library spawners, from the built-in table (project/spawners.ts). */
export function readmeSpawnersTable(): string {
  const groups = new Map<string, Spawner[]>();
  for (const spawner of BUILT_IN_SPAWNERS) {
    const key = `${spawner.when}\0${spawner.evidence ?? ''}\0${JSON.stringify(spawner.condition ?? null)}`;
    groups.set(key, [...(groups.get(key) ?? []), spawner]);
  }
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = [...groups.values()].map((spawners) => {
    const [first] = spawners;
    const names = spawners.map((spawner) => `\`${spawner.name}\``).join(', ');
    return `| ${cell(names)} | ${cell(conditionText(first))} | ${cell(first.when)} | ${cell(first.evidence ?? '')} |`;
  });
  return [
    README_SPAWNERS_START,
    '<!-- Generated from server/src/project/spawners.ts (test/project/readme.test.ts checks it); edit that, not this. -->',
    '',
    '| API (as the call resolves) | condition | what starts | checked |',
    '| --- | --- | --- | --- |',
    ...rows,
    README_SPAWNERS_END,
  ].join('\n');
}

function conditionText(spawner: Spawner): string {
  const condition = spawner.condition;
  const how = spawner.starts === 'iterate' ? 'iterated (`for`, `list`, `iter`, `enumerate`, `next`)' : 'called';
  if (!condition) return how;
  if (condition.kind === 'positive') return `${how}, with \`${condition.keyword}\` > 0 (a literal or a name bound to one)`;
  const values = condition.values.map((value) => `"${value}"`).join(' or ');
  return `${how}, with \`${condition.keyword}=${values}\`${condition.absent ? ' or without it (the default)' : ''}`;
}

/** `readme` with its spawner table replaced by the current one. */
export function withSpawnersTable(readme: string): string {
  const start = readme.indexOf(README_SPAWNERS_START);
  const end = readme.indexOf(README_SPAWNERS_END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${README_SPAWNERS_START} and ${README_SPAWNERS_END}`);
  return readme.slice(0, start) + readmeSpawnersTable() + readme.slice(end + README_SPAWNERS_END.length);
}
