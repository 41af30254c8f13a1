import type { SyntaxNode } from '../syntax/syntaxNode';
import type { StartSite, ThreadStart } from './processes';
import type { Scope } from './scopes';
import type { Value, ValueResolver } from './values';

/** How a function ends up starting processes: the calls from it down to the real start site. */
export interface StartChain {
  site: StartSite;
  /** Calls leading from the function to the site's function, outermost first (empty when the function starts them itself). */
  calls: SyntaxNode[];
}

/**
 * Which functions of the file start processes, directly or through calls inside the same file
 * (functions, methods via `self.m()` / `Class.m()` / `obj.m()`, constructors, thread targets).
 */
export class CallGraph {
  private readonly sitesByScope = new Map<Scope, StartSite[]>();
  private readonly threadsByCall = new Map<number, ThreadStart>();
  /** Chains found in this analysis, by function (null: starts nothing). */
  private readonly chains = new Map<Scope, StartChain | null>();
  private readonly inProgress = new Set<Scope>();

  constructor(
    private readonly resolver: ValueResolver,
    startSites: readonly StartSite[],
    threadStarts: readonly ThreadStart[],
    /** Sites and calls that cannot run in a child: under a guard. */
    private readonly isGuarded: (node: SyntaxNode) => boolean,
    /** Whether a start with this site's method re-imports the main module. */
    private readonly isSpawnLike: (site: StartSite) => boolean,
  ) {
    for (const site of startSites) {
      const list = this.sitesByScope.get(site.scope);
      if (list) list.push(site);
      else this.sitesByScope.set(site.scope, [site]);
    }
    for (const start of threadStarts) this.threadsByCall.set(start.call.id, start);
  }

  /** The functions defined in this file that run when `call` runs. */
  callees(call: SyntaxNode, scope: Scope): Scope[] {
    const result: Scope[] = [];
    const callee = call.childForFieldName('function');
    if (callee) this.addRunnable(this.resolver.valueOf(callee, scope), result, 'call');
    const thread = this.threadsByCall.get(call.id);
    if (thread) this.addRunnable(this.resolver.valueOf(thread.target, thread.scope), result, 'reference');
    return result;
  }

  private addRunnable(value: Value | undefined, result: Scope[], how: 'call' | 'reference'): void {
    if (!value) return;
    switch (value.kind) {
      case 'function':
        result.push(value.scope);
        break;
      case 'class': {
        if (how !== 'call') break;
        const init = this.resolver.memberOf(value.scope, '__init__');
        if (init?.kind === 'function') result.push(init.scope);
        break;
      }
      case 'object': {
        const call = this.resolver.memberOf(value.localClass, '__call__');
        if (call?.kind === 'function') result.push(call.scope);
        break;
      }
      default:
        break;
    }
  }

  /** How `fn` starts processes when called, if it does (first chain found). */
  startChain(fn: Scope): StartChain | undefined {
    const cached = this.chains.get(fn);
    if (cached !== undefined) return cached ?? undefined;
    if (this.inProgress.has(fn)) return undefined;
    this.inProgress.add(fn);
    const chain = this.computeChain(fn);
    this.inProgress.delete(fn);
    this.chains.set(fn, chain ?? null);
    return chain;
  }

  private computeChain(fn: Scope): StartChain | undefined {
    for (const site of this.sitesByScope.get(fn) ?? []) {
      if (this.isSpawnLike(site) && !this.isGuarded(site.call)) return { site, calls: [] };
    }
    for (const call of fn.calls) {
      if (this.isGuarded(call)) continue;
      for (const callee of this.callees(call, fn)) {
        const chain = this.startChain(callee);
        if (chain) return { site: chain.site, calls: [call, ...chain.calls] };
      }
    }
    return undefined;
  }
}
