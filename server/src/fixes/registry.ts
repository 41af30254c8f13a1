import type { Analysis } from '../engine/analyze';
import type { PythonParser } from '../syntax/parser';
import type { Finding } from '../rules/types';
import type { Fix } from './types';
import { addMainGuardFix } from './add-main-guard';
import type { FixProvider } from './fix';
import { moveSetStartMethodIntoGuardFix } from './move-set-start-method-into-guard';
import { moveWorkerToModuleLevelFix } from './move-worker-to-module-level';
import { replaceGeneratorWithListFix } from './replace-generator-with-list';
import { replaceLambdaWithFunctionFix } from './replace-lambda-with-function';
import { rewriteBrokenGuardFix } from './rewrite-broken-guard';
import { useMultiprocessingLockFix } from './use-multiprocessing-lock';
import { checkedFix } from './validate';

/**
 * Every fix provider, the specific ones first: for SPG006, moving the one call into the guard is a
 * smaller change than wrapping all the import-time code. One file per fix.
 */
export const FIX_PROVIDERS: readonly FixProvider[] = [
  moveWorkerToModuleLevelFix,
  moveSetStartMethodIntoGuardFix,
  replaceLambdaWithFunctionFix,
  replaceGeneratorWithListFix,
  useMultiprocessingLockFix,
  rewriteBrokenGuardFix,
  addMainGuardFix,
];

/**
 * The fixes offered for `finding`. Files with syntax errors get none, and each fix passes the central
 * check (validate.ts): its result parses and no longer has the hazard it was offered for.
 */
export function fixesFor(analysis: Analysis, finding: Finding, parser: PythonParser): Fix[] {
  if (analysis.tree.rootNode.hasError) return [];
  const fixes: Fix[] = [];
  for (const provider of FIX_PROVIDERS) {
    if (!provider.codes.includes(finding.code)) continue;
    const proposed = provider.provide({ analysis, parser }, finding);
    const fix = proposed ? checkedFix(provider.id, proposed, analysis, parser, finding) : undefined;
    if (fix) fixes.push(fix);
  }
  return fixes;
}

/** Whether some fix provider answers findings of `code` (it may still offer no fix for a given one). */
export function hasFixProvider(code: string): boolean {
  return FIX_PROVIDERS.some((provider) => (provider.codes as readonly string[]).includes(code));
}
