import type { TextEdit } from '../text/types';

/** As ruff marks fixes: `safe` keeps behaviour, `unsafe` may change it and needs a look. */
export type Applicability = 'safe' | 'unsafe';

export interface Fix {
  /** Id of the fix provider that made it (see fixes/registry.ts). */
  id: string;
  title: string;
  applicability: Applicability;
  /** Non-overlapping edits on the original document text. */
  edits: TextEdit[];
}
