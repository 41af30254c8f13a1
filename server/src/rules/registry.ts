import type { Rule } from './rule';
import { unguardedStart } from './spg001-unguarded-start';
import { unguardedCall } from './spg002-unguarded-call';
import { workerInGuard } from './spg003-worker-in-guard';
import { unpicklableWorker } from './spg004-unpicklable-worker';
import { guardOnlyGlobal } from './spg005-guard-only-global';
import { startMethodAtImport } from './spg006-start-method-at-import';
import { brokenGuard } from './spg007-broken-guard';
import { importSideEffect } from './spg008-import-side-effect';
import { forkOnly } from './spg009-fork-only';
import { decoratorStartsProcesses } from './spg010-decorator-starts-processes';
import { workerRedefined } from './spg011-worker-redefined';
import { unpicklableArgument } from './spg012-unpicklable-argument';
import { seedAtImport } from './spg013-seed-at-import';
import { startInAtexit } from './spg014-start-in-atexit';
import { freezeSupport } from './spg015-freeze-support';
import { cellDefinitionInChild } from './spg020-cell-definition-in-child';
import { unpicklableCellWorker } from './spg021-unpicklable-cell-worker';
import { guardInNotebook } from './spg022-guard-in-notebook';
import { setStartMethodInNotebook } from './spg023-set-start-method-in-notebook';
import { moduleStateFromCell } from './spg024-module-state-from-cell';

/** Every rule, in code order. One file per rule; adding a rule means adding it here. */
export const RULES: readonly Rule[] = [
  unguardedStart,
  unguardedCall,
  workerInGuard,
  unpicklableWorker,
  guardOnlyGlobal,
  startMethodAtImport,
  brokenGuard,
  importSideEffect,
  forkOnly,
  decoratorStartsProcesses,
  workerRedefined,
  unpicklableArgument,
  seedAtImport,
  startInAtexit,
  freezeSupport,
  cellDefinitionInChild,
  unpicklableCellWorker,
  guardInNotebook,
  setStartMethodInNotebook,
  moduleStateFromCell,
];

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((rule) => rule.code === code);
}
