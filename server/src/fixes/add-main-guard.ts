/**
 * "Add main guard" (SPG001, SPG002, SPG006, SPG008): moves the module's import-time script code into
 * `if __name__ == "__main__":`, merging into the module's guard when it has one. Also the
 * `spawnGuard.addMainGuard` command, through addMainGuard().
 *
 * What stays at module level: imports, defs and classes; `from __future__` imports, the docstring and
 * the comments heading the file; dunder metadata (`__all__ = […]`); `if`/`try` statements made only of
 * such things (`try: import x / except ImportError: x = None`); other guards; and every statement
 * that binds or changes in place (`parser.add_argument(…)`, `CONFIG["k"] = …`) a name that what stays
 * reads: function bodies (what workers run in a child), decorators, default values, class bodies,
 * guard conditions and the names listed in `__all__`, transitively. Everything else runs only in the
 * parent afterwards, in its original order, below what stays.
 *
 * Applicability. For the script run directly nothing changes but where the code sits: every statement
 * still runs, in the same order among its kind, and the statements that stay (definitions and what
 * they read) only run earlier than before; a spawned child re-importing the module
 * now skips the script code, as a forked child (which never re-imports) always did, and still finds
 * everything its workers read. What changes is `import thisfile` from another module: it no longer runs
 * the script, and no longer gets the names only the script binds (`pool`, `results`). Those are the
 * script's own temporaries; a name other modules rely on is listed in `__all__` or read by the module's
 * own code, and then it stays. So the fix is `safe`, except when:
 * - a statement that starts processes also binds a name that definitions read (it must move, and
 *   those definitions then see it unbound in a child);
 * - a moved statement would run after a module-level statement that followed it and rebinds a name it
 *   uses (the order of execution changes);
 * - a moved statement binds a name listed in `__all__`.
 */
import type { SyntaxNode } from '../syntax/syntaxNode';
import type { Analysis } from '../engine/analyze';
import { collectScopeBindings } from '../model/bindings';
import { FILE_NOQA_LINES, sameFileNoqa } from '../engine/noqa';
import type { PythonParser } from '../syntax/parser';
import type { ScopeTree } from '../model/scopes';
import { stringLiteralValue, syntaxChildren, unparenthesize } from '../syntax/queries';
import type { Applicability, Fix } from './types';
import type { Finding, RuleCode } from '../rules/types';
import { editsBetween } from './edits';
import type { FixProvider, ProposedFix } from './fix';
import { guardMustMove, writeModuleWithGuard } from './guard-writer';
import { SourceLayout } from './layout';
import { freeNames, mutatedNames } from './names';
import { moduleUnits, unitOf } from './placement';
import { inertGuardIds, isDefinition, isInert } from './script-code';
import { unitAtLine, type StatementUnit } from './units';
import { checkedFix } from './validate';

export const ADD_MAIN_GUARD_ID = 'add-main-guard';
export const NOTHING_TO_WRAP = 'nothing to wrap: no import-time script code';
export const SYNTAX_ERRORS = 'the file has syntax errors';
export const FILE_NOQA_MOVED = `the file's \`# spawn-guard: noqa\` comment would move into or out of the first ${FILE_NOQA_LINES} lines, where it silences the file; nothing was changed`;
const CODES: readonly RuleCode[] = ['SPG001', 'SPG002', 'SPG006', 'SPG008'];
/** Findings that mean a statement starts processes at import: it moves, whatever reads it. */
const PROCESS_START_CODES: ReadonlySet<string> = new Set(['SPG001', 'SPG002', 'SPG006']);

export const addMainGuardFix: FixProvider = {
  id: ADD_MAIN_GUARD_ID,
  codes: CODES,
  provide({ analysis }, finding) {
    const plan = planMainGuard(analysis);
    if ('error' in plan) return null;
    const unit = unitAtLine(plan.units, finding.range.start.line);
    if (!unit || !plan.moved.has(unit)) return null;
    return plan.fix;
  },
};

/**
 * The `spawnGuard.addMainGuard` command: wraps the file's import-time script code in the main guard
 * whether or not a diagnostic points at it.
 */
export function addMainGuard(analysis: Analysis, parser: PythonParser): { fix: Fix } | { error: string } {
  const plan = planMainGuard(analysis);
  if ('error' in plan) return plan;
  const fix = checkedFix(ADD_MAIN_GUARD_ID, plan.fix, analysis, parser);
  return fix ? { fix } : { error: 'the guarded file would not parse; nothing was changed' };
}

interface MainGuardPlan {
  units: StatementUnit[];
  moved: ReadonlySet<StatementUnit>;
  fix: ProposedFix;
}

const plans = new WeakMap<Analysis, MainGuardPlan | { error: string }>();

/** Decides what moves, writes the result, and judges the applicability; computed once per analysis. */
function planMainGuard(analysis: Analysis): MainGuardPlan | { error: string } {
  let plan = plans.get(analysis);
  if (!plan) {
    plan = computePlan(analysis);
    plans.set(analysis, plan);
  }
  return plan;
}

interface UnitFacts {
  unit: StatementUnit;
  binds: Set<string>;
  reads: Set<string>;
  mutates: Set<string>;
  /** Holds a finding that it starts processes at import. */
  startsProcesses: boolean;
  /** Holds a finding of any rule this fix answers. */
  flagged: boolean;
  /** Stays whatever reads it (definitions, imports, other guards). */
  inert: boolean;
  /** A correct or never-true guard other than the one moved code goes into. */
  isGuard: boolean;
}

function computePlan(analysis: Analysis): MainGuardPlan | { error: string } {
  const root = analysis.tree.rootNode;
  if (root.hasError) return { error: SYNTAX_ERRORS };
  const { facts } = analysis;
  const layout = new SourceLayout(analysis.text, root);
  const units = moduleUnits(layout, root);
  const mainGuard = facts.mainGuard;
  const guardUnit = mainGuard ? unitOf(units, mainGuard.node) : undefined;

  const context: UnitContext = {
    findingsByLine: findingsByLine(analysis.findings),
    inertGuards: inertGuardIds(facts),
    scopes: facts.scopes,
  };
  const described = units.filter((unit) => unit !== guardUnit).map((unit) => describeUnit(unit, context));
  const exported = exportedNames(analysis);
  const { kept, needed } = unitsThatStay(analysis, described, exported);
  const movedFacts = described.filter((unit) => !kept.has(unit));
  if (movedFacts.length === 0) return { error: NOTHING_TO_WRAP };
  const moved = new Set(movedFacts.map((unit) => unit.unit));
  const guard = mainGuard && guardUnit && mainGuard.body ? { unit: guardUnit, statement: mainGuard.node, body: mainGuard.body } : undefined;

  let applicability: Applicability = 'safe';
  if (movedFacts.some((unit) => intersects(unit.binds, needed) || intersects(unit.binds, exported))) applicability = 'unsafe';
  // Code that runs later than before: every moved unit, and the guard's own body if it moves down.
  const runLater = [...movedFacts];
  if (guard && guardMustMove(units, moved, guard.unit)) runLater.push(describeUnit(guard.unit, { ...context, findingsByLine: new Map() }));
  const overtaken = overtakingIndex(described, kept);
  if (runLater.some((late) => overtaken.harms(late))) applicability = 'unsafe';

  const text = writeModuleWithGuard({ layout, root, units, moved, guard, placement: 'in-order' });
  if (!sameFileNoqa(analysis.text, text)) return { error: FILE_NOQA_MOVED };
  return {
    units,
    moved,
    fix: {
      title: guard ? 'Move import-time code into the main guard' : 'Add main guard',
      applicability,
      edits: editsBetween(analysis.text, text),
    },
  };
}

/**
 * The units that stay at module level, and the names they need bound there: definitions, other guards
 * and the rest of the inert code stay; so does every unit that binds a name something staying reads
 * (function bodies, decorators, defaults, class bodies, guard conditions, `__all__`), or changes such a
 * variable in place, transitively. A unit that starts processes never stays for that reason.
 */
function unitsThatStay(
  analysis: Analysis,
  described: readonly UnitFacts[],
  exported: ReadonlySet<string>,
): { kept: Set<UnitFacts>; needed: Set<string> } {
  const { facts } = analysis;
  const needed = new Set<string>(exported);
  const addAll = (names: Iterable<string>) => {
    for (const name of names) needed.add(name);
  };
  for (const guard of facts.guards) if (guard.node.parent?.type === 'module') addAll(freeNames(guard.condition, facts.scopes));
  const kept = new Set<UnitFacts>();
  for (const unit of described) {
    if (!unit.inert) continue;
    kept.add(unit);
    // What another guard's body reads is read in the parent only, after everything else.
    if (!unit.isGuard) addAll(unit.reads);
  }
  const variables = new Set<string>();
  for (const [name, bindings] of facts.moduleBindings) {
    if (bindings.some((binding) => binding.kind !== 'import' && binding.kind !== 'def' && binding.kind !== 'class')) variables.add(name);
  }
  // A worklist over names: when a name becomes needed, only the units that bind or change it are looked
  // at again, so the closure is linear in the module's size (a sweep to a fixed point was quadratic).
  const byName = new Map<string, UnitFacts[]>();
  const index = (name: string, unit: UnitFacts) => {
    const list = byName.get(name);
    if (list) list.push(unit);
    else byName.set(name, [unit]);
  };
  for (const unit of described) {
    if (kept.has(unit)) continue;
    if (!unit.startsProcesses) for (const name of unit.binds) index(name, unit);
    if (!unit.flagged) for (const name of unit.mutates) if (variables.has(name)) index(name, unit);
  }
  const pending = [...needed];
  const need = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    pending.push(name);
  };
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    for (const unit of byName.get(name) ?? []) {
      if (kept.has(unit)) continue;
      kept.add(unit);
      for (const read of unit.reads) need(read);
    }
  }
  return { kept, needed };
}

/**
 * Answers, for a unit that will run later than before (`late`), whether a unit that stays and followed
 * it now runs before it harmfully: when that unit is another guard (its code and the moved code trade
 * places in the parent), when it rebinds a name `late` binds, or one `late` reads that already had a
 * value (reading a name bound only later failed before). Built once in linear time: for each name, the
 * line of the last kept unit that binds it and the end of the first unit that binds it.
 */
function overtakingIndex(described: readonly UnitFacts[], kept: ReadonlySet<UnitFacts>): { harms(late: UnitFacts): boolean } {
  const lastKeptBinding = new Map<string, number>();
  let lastKeptGuard = -1;
  const firstBindingEnd = new Map<string, number>();
  for (const unit of described) {
    for (const name of unit.binds) if (!firstBindingEnd.has(name)) firstBindingEnd.set(name, unit.unit.lastLine);
    if (!kept.has(unit)) continue;
    if (unit.isGuard) lastKeptGuard = Math.max(lastKeptGuard, unit.unit.codeLine);
    for (const name of unit.binds) lastKeptBinding.set(name, Math.max(lastKeptBinding.get(name) ?? -1, unit.unit.codeLine));
  }
  const keptBindingAfter = (name: string, line: number) => (lastKeptBinding.get(name) ?? -1) > line;
  return {
    harms(late) {
      const after = late.unit.lastLine;
      if (lastKeptGuard > after) return true;
      for (const name of late.binds) if (keptBindingAfter(name, after)) return true;
      for (const name of late.reads) {
        const boundBefore = (firstBindingEnd.get(name) ?? Infinity) < late.unit.codeLine;
        if (boundBefore && keptBindingAfter(name, after)) return true;
      }
      return false;
    },
  };
}

interface UnitContext {
  /** Findings of the rules this fix answers, by the line they start on. */
  findingsByLine: ReadonlyMap<number, readonly Finding[]>;
  /** Correct and never-true guards, by node id: not script code. */
  inertGuards: ReadonlySet<number>;
  scopes: ScopeTree;
}

function findingsByLine(findings: readonly Finding[]): Map<number, Finding[]> {
  const byLine = new Map<number, Finding[]>();
  for (const finding of findings) {
    if (!CODES.includes(finding.code)) continue;
    const line = finding.range.start.line;
    const list = byLine.get(line);
    if (list) list.push(finding);
    else byLine.set(line, [finding]);
  }
  return byLine;
}

function describeUnit(unit: StatementUnit, { findingsByLine, inertGuards, scopes }: UnitContext): UnitFacts {
  const inside: Finding[] = [];
  for (let line = unit.codeLine; line <= unit.lastLine; line++) inside.push(...(findingsByLine.get(line) ?? []));
  const startsProcesses = inside.some((finding) => PROCESS_START_CODES.has(finding.code));
  const isGuard = unit.statements.some((statement) => inertGuards.has(statement.id));
  const reads = new Set<string>();
  const mutates = new Set<string>();
  for (const statement of unit.statements) {
    for (const name of freeNames(statement, scopes)) reads.add(name);
    for (const name of mutatedNames(statement)) mutates.add(name);
  }
  return {
    unit,
    binds: bindingsOf(unit.statements),
    reads,
    mutates,
    startsProcesses,
    flagged: inside.length > 0,
    isGuard,
    // A guard's findings are in its else branch or its condition: moving it would not answer them.
    inert:
      isGuard || unit.statements.every((statement) => isDefinition(statement) || (!startsProcesses && isInert(statement, inertGuards))),
  };
}

function bindingsOf(statements: readonly SyntaxNode[]): Set<string> {
  const names = new Set<string>();
  collectScopeBindings(statements, (binding) => names.add(binding.name));
  return names;
}

/** Names listed in the module's `__all__`: its public interface, which must stay importable. */
function exportedNames(analysis: Analysis): Set<string> {
  const names = new Set<string>();
  for (const binding of analysis.facts.moduleBindings.get('__all__') ?? []) {
    const value = binding.value ? unparenthesize(binding.value) : null;
    if (!value) continue;
    for (const item of syntaxChildren(value)) {
      const name = stringLiteralValue(item);
      if (name !== undefined) names.add(name);
    }
  }
  return names;
}

function intersects(names: ReadonlySet<string>, other: ReadonlySet<string>): boolean {
  for (const name of names) if (other.has(name)) return true;
  return false;
}
