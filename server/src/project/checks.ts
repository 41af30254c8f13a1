import * as path from 'node:path';
import { GUARD_TEXT } from '../rules/common';
import type { RelatedLocation } from '../rules/types';
import type { Range } from '../text/types';
import type { Chain, ChainStep, ProjectSession } from './project';
import type { ImportRecord, ModuleSummary } from './summary';

/** A cross-file finding in the checked file, before the engine's select/ignore/severity/noqa. */
export interface ProjectFinding {
  code: string;
  range: Range;
  message: string;
  related: RelatedLocation[];
  data?: Record<string, unknown>;
}

/** How many steps a chain shows in a message before the middle is left out (the related locations keep all). */
const SHOWN_STEPS = 6;

/**
 * The cross-file findings of one module, read from its summary and those of the project modules it
 * reaches. Findings that the single-file analysis makes too (same code and range) are left to it.
 */
export function projectChecks(session: ProjectSession, summary: ModuleSummary): ProjectFinding[] {
  const context = new CheckContext(session, summary);
  return [...context.unguardedCalls(), ...context.importTimeStarts(), ...context.importSideEffects(), ...context.guardOnlyAttributes()];
}

class CheckContext {
  private readonly folder: string;

  constructor(
    private readonly session: ProjectSession,
    private readonly summary: ModuleSummary,
  ) {
    this.folder = path.dirname(summary.file);
  }

  /** SPG002: import-time code calls a function that starts processes through another module or a library. */
  unguardedCalls(): ProjectFinding[] {
    const { summary, session } = this;
    const findings: ProjectFinding[] = [];
    const calls = [
      ...summary.importTime.outside.map((call) => ({ call, chain: session.callStart(summary, call.target, call.call) })),
      ...summary.importTime.local.map((call) => {
        const inner = session.functionStart({ file: summary.file, name: call.target });
        return { call, chain: inner && { ...inner, steps: [{ file: summary.file, site: call.call }, ...inner.steps] } };
      }),
    ];
    for (const { call, chain } of calls) {
      // A chain that stays in this file without a library is the single-file SPG002's.
      if (!chain || (!chain.library && [...chain.steps, chain.start].every((step) => step.file === summary.file))) continue;
      findings.push({
        code: 'SPG002',
        range: call.call.range,
        message:
          `\`${call.call.text}\` runs at import time and starts processes: ${this.chainText(chain)}. ` +
          `Under spawn every child re-imports this module, makes this call again and fails ("current process has finished its bootstrapping phase"). ` +
          `Call it under \`${GUARD_TEXT}\`.`,
        related: this.chainRelated(chain),
        data: { chain: this.chainParts(chain) },
      });
    }
    return findings;
  }

  /** SPG001/SPG006 on an import line: the imported module starts processes or sets the start method when imported. */
  importTimeStarts(): ProjectFinding[] {
    const { summary, session } = this;
    const findings: ProjectFinding[] = [];
    for (const { record, modules } of this.importTimeImports()) {
      for (const module of modules) {
        const inner = session.moduleImportStart(module);
        // A cycle back to this module: Python finds it half-imported in sys.modules and does not run it again.
        if (!inner || [...inner.steps, inner.start].some((step) => step.file === summary.file)) continue;
        const chain: Chain = { ...inner, steps: [{ file: summary.file, site: record.statement }, ...inner.steps] };
        const where = this.where(chain.start);
        const message =
          chain.code === 'SPG006'
            ? `\`${record.statement.text}\` imports ${module}, which sets the start method at import time (\`${chain.start.site.text}\`, ${where}): ` +
              `under spawn every child re-imports this module, imports ${module} again and fails ("context has already been set"). ` +
              `Set the start method once, under \`${GUARD_TEXT}\` of the script.`
            : `\`${record.statement.text}\` imports ${module}, which starts processes at import time: ${this.chainText(chain)}. ` +
              `Under spawn every child re-imports this module, imports ${module} again and fails ("current process has finished its bootstrapping phase"). ` +
              `Move the start in ${this.display(chain.start.file)} under its own \`${GUARD_TEXT}\` or into a function.`;
        findings.push({
          code: chain.code,
          range: record.statement.range,
          message,
          related: this.chainRelated(chain),
          data: { module, chain: this.chainParts(chain) },
        });
        break;
      }
    }
    return findings;
  }

  /** SPG008 on an import line: in a module that starts processes, an imported module prints, does I/O or blocks when imported. */
  importSideEffects(): ProjectFinding[] {
    const { summary, session } = this;
    if (!this.startsProcesses()) return [];
    const findings: ProjectFinding[] = [];
    const reportedEffects = new Set<string>();
    for (const { record, modules } of this.importTimeImports()) {
      for (const module of modules) {
        if (session.moduleImportStart(module)) continue;
        const effects = session.moduleImportEffects(module).filter((effect) => effect.site.file !== summary.file);
        if (effects.length === 0) continue;
        const [first] = effects;
        // Several imports of one package reach the same code: the first import line says it.
        const key = `${first.site.file}:${first.site.site.range.start.line}`;
        if (reportedEffects.has(key)) continue;
        reportedEffects.add(key);
        const what = first.effect === 'blocks' ? 'blocks (it does not return)' : first.effect;
        findings.push({
          code: 'SPG008',
          range: record.statement.range,
          message:
            `\`${record.statement.text}\` imports ${module}, whose import-time code ${what} (\`${first.site.site.text}\`, ${this.where(first.site)}), ` +
            `and this module starts processes: under spawn every child re-imports this module, imports ${module} again and does it again. ` +
            `Move that code in ${this.display(first.site.file)} under its own \`${GUARD_TEXT}\` or into a function.`,
          related: effects.slice(0, 5).map((effect) => ({
            file: effect.site.file,
            range: effect.site.site.range,
            message: `\`${effect.site.site.text}\` ${effect.effect} at import time (${this.display(effect.site.file)})`,
          })),
          data: { module, effect: first.effect },
        });
        break;
      }
    }
    return findings;
  }

  /**
   * SPG005: the main guard assigns an attribute of a project module (`settings.SCALE = 10`) that a
   * worker in another module reads: children import that module afresh and see its import-time value.
   */
  guardOnlyAttributes(): ProjectFinding[] {
    const { summary, session } = this;
    if (summary.guardAssignments.length === 0 || summary.workers.length === 0) return [];
    const assignedAtImport = new Set([...summary.importTimeAssignments].map((target) => session.normalName(target)));
    const findings: ProjectFinding[] = [];
    const reported = new Set<string>();
    for (const worker of summary.workers) {
      const fn = worker.local ? { file: summary.file, name: worker.target } : session.resolveFunction(worker.target, summary);
      if (!fn) continue;
      const reads = session.workerReads(fn);
      for (const assignment of summary.guardAssignments) {
        const normal = session.normalName(assignment.target);
        // Only attributes of project modules: their import-time value is what the child sees.
        if (normal === assignment.target || assignedAtImport.has(normal)) continue;
        const read = reads.get(normal);
        const key = `${normal}\0${assignment.site.range.start.line}`;
        if (!read || reported.has(key)) continue;
        reported.add(key);
        findings.push({
          code: 'SPG005',
          range: assignment.site.range,
          message:
            `\`${assignment.target}\` is set only under the main guard, and the worker \`${worker.site.text}\` reads it (${this.where(read)}): ` +
            `under spawn each child imports the module afresh and sees its import-time value, not this one. ` +
            `Pass the value to the worker as an argument (or set it in a Pool initializer).`,
          related: [
            { file: read.file, range: read.site.range, message: `the worker reads \`${read.site.text}\` here` },
            { range: worker.site.range, message: `\`${worker.site.text}\` runs in the child processes` },
          ].map((item) => (item.file === summary.file ? { range: item.range, message: item.message } : item)),
          data: { target: assignment.target, worker: worker.target },
        });
      }
    }
    return findings;
  }

  /** The import statements that run at import time, each with the project modules it runs (this module left out). */
  private importTimeImports(): { record: ImportRecord; modules: string[] }[] {
    const { summary, session } = this;
    return summary.imports
      .filter((record) => record.importTime)
      .map((record) => ({
        record,
        modules: session.modulesOf(record).filter((module) => session.finder.find(module)?.file !== summary.file),
      }));
  }

  /** The module starts processes: its own code, or a call (anywhere in it) into a project function that does. */
  private startsProcesses(): boolean {
    const { summary, session } = this;
    if (summary.startsProcesses) return true;
    const calls = [
      ...summary.guarded.outside,
      ...summary.importTime.outside,
      ...[...summary.functions.values()].flatMap((fn) => fn.outside),
    ];
    if (calls.some((call) => !call.target.startsWith('.') && session.callStart(summary, call.target, call.call))) return true;
    return [...summary.guarded.local, ...summary.importTime.local].some((call) =>
      session.functionStart({ file: summary.file, name: call.target }),
    );
  }

  private display(file: string): string {
    const relative = path.relative(this.folder, file);
    return (relative.startsWith('..') ? file : relative).split(path.sep).join('/');
  }

  private where(step: ChainStep): string {
    return `${this.display(step.file)}:${step.site.range.start.line + 1}`;
  }

  /** `main() -> cluster.setup_cluster() -> Pool(…) in caiman/cluster.py:441`, the middle left out of long chains. */
  private chainText(chain: Chain): string {
    let texts = [...chain.steps.map((step) => step.site.text), chain.start.site.text];
    if (texts.length > SHOWN_STEPS) {
      const left = texts.length - SHOWN_STEPS + 1;
      texts = [...texts.slice(0, SHOWN_STEPS / 2), `… (${left} more)`, ...texts.slice(texts.length - SHOWN_STEPS / 2 + 1)];
    }
    const library = chain.library ? ` (${chain.library.when})` : '';
    return `\`${texts.join(' -> ')}\` in ${this.where(chain.start)}${library}`;
  }

  private chainParts(chain: Chain): { file: string; line: number; text: string }[] {
    return [...chain.steps, chain.start].map((step) => ({ file: step.file, line: step.site.range.start.line + 1, text: step.site.text }));
  }

  private chainRelated(chain: Chain): RelatedLocation[] {
    const own = this.summary.file;
    const related: RelatedLocation[] = [];
    const located = (step: ChainStep, message: string): RelatedLocation =>
      step.file === own ? { range: step.site.range, message } : { file: step.file, range: step.site.range, message };
    chain.steps
      .slice(1)
      .forEach((step: ChainStep) => related.push(located(step, `reaches the start through \`${step.site.text}\` (${this.where(step)})`)));
    const what = chain.code === 'SPG006' ? 'the start method is set here' : 'processes start here';
    related.push(located(chain.start, `${what}: \`${chain.start.site.text}\` (${this.where(chain.start)})`));
    return related;
  }
}
