import * as path from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { projectFindings } from '../../server/src/project/analyze';
import type { ProjectFiles } from '../../server/src/project/modules';
import { Project, SummaryCache, type ProjectOptions } from '../../server/src/project/project';
import type { Finding } from '../../server/src/rules/types';
import { sharedParser } from '../helpers/parser';

/** A project held in memory: `{ 'main.py': '…', 'pkg/__init__.py': '' }` under a made-up root. */
export class MemoryFiles implements ProjectFiles {
  readonly files = new Map<string, string>();
  /** How many times each file was read. */
  readonly reads = new Map<string, number>();

  constructor(
    readonly root: string,
    files: Record<string, string>,
  ) {
    for (const [name, text] of Object.entries(files)) this.set(name, text);
  }

  path(name: string): string {
    return path.join(this.root, ...name.split('/'));
  }

  set(name: string, text: string): void {
    this.files.set(this.path(name), text);
  }

  delete(name: string): void {
    this.files.delete(this.path(name));
  }

  readFile(file: string): string | undefined {
    this.reads.set(file, (this.reads.get(file) ?? 0) + 1);
    return this.files.get(file);
  }

  isDirectory(directory: string): boolean {
    const prefix = directory.endsWith(path.sep) ? directory : directory + path.sep;
    return [...this.files.keys()].some((file) => file.startsWith(prefix));
  }
}

export const ROOT = path.join(path.sep, 'project');

/** The single-file and cross-file findings of `name` in a project of `files`, as `row:col CODE` lines. */
export async function findingsIn(
  files: Record<string, string> | MemoryFiles,
  name: string,
  options: Partial<ProjectOptions> = {},
  cache = new SummaryCache(),
): Promise<{ lines: string[]; findings: Finding[]; project: Project }> {
  const memory = files instanceof MemoryFiles ? files : new MemoryFiles(ROOT, files);
  const parser = await sharedParser();
  const project = new Project(parser, memory, cache, { workspaceFolders: [memory.root], ...options });
  const file = memory.path(name);
  const text = memory.files.get(file)!;
  const tree = parser.parse(text);
  try {
    const analysis = analyze({ text, tree });
    const findings = [...analysis.findings, ...projectFindings(project, file, analysis)];
    return {
      lines: findings.map((finding) => `${finding.range.start.line + 1}:${finding.range.start.character + 1} ${finding.code}`).sort(),
      findings,
      project,
    };
  } finally {
    tree.delete();
  }
}
