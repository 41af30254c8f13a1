import * as path from 'node:path';
import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts } from '../model/facts';
import { nodeRange } from '../syntax/ranges';
import { GUARD_TEXT } from '../rules/common';
import { computeLineStarts, positionAt } from '../text/lineIndex';
import type { ProjectFinding } from './checks';

/** A build file that freezes the script into an executable. */
export interface Packaging {
  tool: 'PyInstaller' | 'cx_Freeze';
  /** The `.spec` or `setup.py`. */
  file: string;
  /** Offsets of the string that names the script in it. */
  start: number;
  end: number;
  text: string;
  /** The build file's text. */
  buildText: string;
}

/** `Analysis(['app.py', …]` in a PyInstaller spec: the scripts list. */
const SPEC_SCRIPTS = /\bAnalysis\s*\(\s*(?:scripts\s*=\s*)?\[([^\]]*)\]/g;
/** `Executable("app.py"` / `Executable(script="app.py"` in a cx_Freeze setup. */
const CX_EXECUTABLE = /\bExecutable\s*\(\s*(?:script\s*=\s*)?(["'])([^"'\n]+)\1/g;
const STRING = /(["'])([^"'\n]+)\1/g;

/**
 * The PyInstaller spec or cx_Freeze setup.py that packages `script`, looked for where those tools put
 * them: `<name>.spec` (PyInstaller's default name) and `setup.py`, beside the script and in the
 * workspace folders. A spec with another name (`--name`, `--specpath`) is not found.
 */
export function packagingOf(
  script: string,
  workspaceFolders: readonly string[],
  read: (file: string) => string | undefined,
): Packaging | undefined {
  const stem = path.basename(script, '.py');
  const folders = [...new Set([path.dirname(script), ...workspaceFolders])];
  for (const folder of folders) {
    const spec = path.join(folder, `${stem}.spec`);
    const specText = read(spec);
    const inSpec = specText === undefined ? undefined : specScript(specText, spec, script);
    if (inSpec) return inSpec;
    const setup = path.join(folder, 'setup.py');
    const setupText = read(setup);
    const inSetup = setupText?.includes('cx_Freeze') ? cxFreezeScript(setupText, setup, script) : undefined;
    if (inSetup) return inSetup;
  }
  return undefined;
}

function specScript(text: string, file: string, script: string): Packaging | undefined {
  for (const list of text.matchAll(SPEC_SCRIPTS)) {
    const listStart = list.index! + list[0].indexOf('[') + 1;
    for (const literal of list[1].matchAll(STRING)) {
      if (!namesScript(literal[2], file, script)) continue;
      const start = listStart + literal.index!;
      return { tool: 'PyInstaller', file, start, end: start + literal[0].length, text: literal[0], buildText: text };
    }
  }
  return undefined;
}

function cxFreezeScript(text: string, file: string, script: string): Packaging | undefined {
  for (const match of text.matchAll(CX_EXECUTABLE)) {
    if (!namesScript(match[2], file, script)) continue;
    const start = match.index! + match[0].length - match[2].length - 2;
    return {
      tool: 'cx_Freeze',
      file,
      start,
      end: start + match[2].length + 2,
      text: match[0].slice(-match[2].length - 2),
      buildText: text,
    };
  }
  return undefined;
}

/** A path written in the build file names the script: relative to the build file's folder, or its bare file name. */
function namesScript(written: string, buildFile: string, script: string): boolean {
  const normalized = written.replace(/\\/g, '/');
  if (!normalized.includes('/')) return normalized === path.basename(script);
  return path.resolve(path.dirname(buildFile), normalized) === path.resolve(script);
}

/**
 * SPG015 (info): the packaged script starts processes under a correct guard whose first statement is
 * not `multiprocessing.freeze_support()`. Points at the guard's condition, or at the call when it comes
 * later; related = the build file's line naming the script.
 */
export function freezeSupportFinding(facts: ModuleFacts, packaging: Packaging): ProjectFinding | undefined {
  const { buildText } = packaging;
  const guard = facts.mainGuard;
  if (!guard?.body || !facts.startsProcesses) return undefined;
  const statements = guard.body.namedChildren.filter((child): child is SyntaxNode => child !== null && child.type !== 'comment');
  const calls = statements.filter((statement) => isFreezeSupport(facts, statement));
  if (calls.length > 0 && calls[0] === statements[0]) return undefined;
  const lines = computeLineStarts(buildText);
  const range = { start: positionAt(lines, packaging.start, buildText.length), end: positionAt(lines, packaging.end, buildText.length) };
  const where = { range, file: packaging.file, message: `${packaging.tool} packages this script here` };
  const build = path.basename(packaging.file);
  const consequence =
    'a frozen Windows executable starts each child by running itself again, and unless `multiprocessing.freeze_support()` is the ' +
    `first statement under \`${GUARD_TEXT}\` the child runs the program instead of its work (CPython's documentation: the ` +
    'executable "will raise RuntimeError"; frozen apps are reported to start themselves over and over)';
  return calls.length > 0
    ? {
        code: 'SPG015',
        range: nodeRange(calls[0]),
        message: `\`${build}\` freezes this script with ${packaging.tool}, and \`freeze_support()\` is not the first statement under the guard: ${consequence}. Move it to the top of the block.`,
        related: [where],
        data: { tool: packaging.tool, buildFile: packaging.file },
      }
    : {
        code: 'SPG015',
        range: nodeRange(guard.condition),
        message: `\`${build}\` freezes this script with ${packaging.tool}, and its guard does not call \`multiprocessing.freeze_support()\`: ${consequence}. Call it first under the guard.`,
        related: [where],
        data: { tool: packaging.tool, buildFile: packaging.file },
      };
}

function isFreezeSupport(facts: ModuleFacts, statement: SyntaxNode): boolean {
  const call = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
  const callee = call?.type === 'call' ? call.childForFieldName('function') : null;
  return !!callee && facts.values.qualifiedName(callee, facts.scopes.module) === 'multiprocessing.freeze_support';
}
