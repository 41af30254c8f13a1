import type { Binding, ModuleFacts, Scope } from '../model/facts';
import { syntaxChildren, unparenthesize } from '../syntax/queries';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { absoluteModule } from './modules';

/** What one import statement binds, with absolute names (relative imports made absolute). */
export interface ImportedBinding {
  /** The local name bound. */
  local: string;
  /** The absolute dotted name it refers to: a module, or a name in one (`pkg.cluster.setup`). */
  qualified: string;
}

export interface ImportStatementNames {
  /** Modules the statement imports (each runs at import time, with its packages' `__init__`). */
  modules: string[];
  bindings: ImportedBinding[];
  /** `from m import *`: the module whose public names it binds. */
  star?: string;
  /** A relative import that climbs above the top package: Python raises ImportError. */
  unresolvable?: boolean;
}

/**
 * The absolute names an import statement binds, as Python binds them: `import a.b.c` binds `a` (and
 * imports `a`, `a.b`, `a.b.c`); `import a.b as x` binds `x` to `a.b`; `from .m import f` in `pkg.main`
 * binds `f` to `pkg.m.f` (which may be a submodule `pkg.m.f` or a name defined in `pkg/m.py`).
 */
export function importStatementNames(statement: SyntaxNode, module: { name: string; isPackage: boolean }): ImportStatementNames {
  const result: ImportStatementNames = { modules: [], bindings: [] };
  if (statement.type === 'import_statement') {
    for (const item of statement.childrenForFieldName('name')) {
      if (!item) continue;
      if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name')?.text;
        const alias = item.childForFieldName('alias')?.text;
        if (name && alias) {
          result.modules.push(name);
          result.bindings.push({ local: alias, qualified: name });
        }
      } else if (item.type === 'dotted_name') {
        result.modules.push(item.text);
        const first = item.namedChildren[0]?.text;
        if (first) result.bindings.push({ local: first, qualified: first });
      }
    }
    return result;
  }
  if (statement.type !== 'import_from_statement') return result;
  const moduleNode = statement.childForFieldName('module_name');
  if (!moduleNode) return result;
  let from: string | undefined;
  if (moduleNode.type === 'relative_import') {
    const prefix = syntaxChildren(moduleNode).find((child) => child.type === 'import_prefix');
    const dotted = syntaxChildren(moduleNode).find((child) => child.type === 'dotted_name');
    from = absoluteModule(module, prefix ? prefix.text.length : 0, dotted?.text ?? '');
  } else {
    from = moduleNode.text;
  }
  if (from === undefined) {
    result.unresolvable = true;
    return result;
  }
  result.modules.push(from);
  if (syntaxChildren(statement).some((child) => child.type === 'wildcard_import')) {
    result.star = from;
    return result;
  }
  for (const item of statement.childrenForFieldName('name')) {
    if (!item) continue;
    const name = item.type === 'aliased_import' ? item.childForFieldName('name')?.text : item.text;
    const local = item.type === 'aliased_import' ? item.childForFieldName('alias')?.text : item.text;
    if (name && local) result.bindings.push({ local, qualified: `${from}.${name}` });
  }
  return result;
}

/**
 * Resolves expressions of one module to absolute names outside it: `cm.cluster.setup_cluster` with
 * `import caiman as cm` is `caiman.cluster.setup_cluster`; `Model().fit` and `m.fit` with
 * `m = Model()` are `pkg.models.Model.fit` (an instance's method by its class's name). Names bound in
 * the module itself (functions, classes, variables) are not outside names: undefined. A name bound
 * nowhere in a module with star imports resolves to `*name`, looked up in the star-imported modules.
 */
export class OutsideNames {
  private readonly byStatement = new Map<number, ImportStatementNames>();
  private readonly inProgress = new Set<number>();

  constructor(
    private readonly facts: ModuleFacts,
    private readonly module: { name: string; isPackage: boolean },
  ) {}

  importsOf(statement: SyntaxNode): ImportStatementNames {
    let names = this.byStatement.get(statement.id);
    if (!names) {
      names = importStatementNames(statement, this.module);
      this.byStatement.set(statement.id, names);
    }
    return names;
  }

  /** The absolute outside name `expression` refers to, if any. */
  nameOf(expression: SyntaxNode, scope: Scope): string | undefined {
    const node = unparenthesize(expression);
    if (this.inProgress.has(node.id)) return undefined;
    this.inProgress.add(node.id);
    try {
      return this.compute(node, scope);
    } finally {
      this.inProgress.delete(node.id);
    }
  }

  private compute(node: SyntaxNode, scope: Scope): string | undefined {
    switch (node.type) {
      case 'identifier':
        return this.identifierName(node.text, scope);
      case 'attribute': {
        const object = node.childForFieldName('object');
        const attribute = node.childForFieldName('attribute')?.text;
        const base = object ? this.nameOf(object, scope) : undefined;
        return base && attribute ? `${base}.${attribute}` : undefined;
      }
      case 'call': {
        // An instance of an outside class is named by its class: its methods are `Class.method`.
        const callee = node.childForFieldName('function');
        return callee ? this.nameOf(callee, scope) : undefined;
      }
      default:
        return undefined;
    }
  }

  private identifierName(name: string, scope: Scope): string | undefined {
    const resolution = this.facts.values.resolve(name, scope);
    if (!resolution) {
      if (this.starModules().length > 0) return `*${name}`;
      return undefined;
    }
    if (resolution.parameter) return undefined;
    const names = new Set<string>();
    for (const binding of resolution.bindings) {
      const qualified = this.bindingName(binding, resolution.scope);
      if (qualified === undefined) return undefined;
      names.add(qualified);
    }
    return names.size === 1 ? [...names][0] : undefined;
  }

  private bindingName(binding: Binding, scope: Scope): string | undefined {
    switch (binding.kind) {
      case 'import':
        return this.importsOf(binding.statement).bindings.find((bound) => bound.local === binding.name)?.qualified;
      case 'assignment':
        return binding.value ? this.nameOf(binding.value, scope) : undefined;
      case 'with':
        return binding.entered ? this.nameOf(binding.entered, scope) : undefined;
      default:
        return undefined;
    }
  }

  private stars: string[] | undefined;

  /** Modules imported with `from m import *` at module level (relative ones included, made absolute). */
  starModules(): string[] {
    if (!this.stars) {
      this.stars = [];
      for (const statement of this.facts.root.namedChildren) {
        if (statement?.type !== 'import_from_statement') continue;
        const star = this.importsOf(statement).star;
        if (star) this.stars.push(star);
      }
    }
    return this.stars;
  }
}
