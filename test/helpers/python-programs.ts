import fc from 'fast-check';

/**
 * Generators of Python programs built from the constructs the spawn rules care about: imports and
 * aliases of multiprocessing / concurrent.futures, workers, Pools, Processes, executors, lambdas,
 * decorators, classes, guards of every form (right and broken), try/with/for/while blocks, comments,
 * blank lines, in any indentation style and line ending. Every generated program is valid Python 3.11
 * (names may be undefined: that is a run-time matter, not a syntax one), so fixes can be checked with
 * the real compiler; random edits over them then produce the half-typed code an editor sees.
 */

/** One line of a program: its block depth and its text, without indentation or line ending. */
export interface ProgramLine {
  depth: number;
  text: string;
}

/** Consecutive lines that form one statement (with its nested body) or a comment / blank line. */
export type Block = ProgramLine[];

export interface ProgramStyle {
  indent: '    ' | '  ' | '\t';
  eol: '\n' | '\r\n';
  finalNewline: boolean;
}

export interface Program {
  /** Shebang, coding cookie, docstring, `from __future__` import: what must stay at the top. */
  header: string[];
  blocks: Block[];
  style: ProgramStyle;
}

const IMPORTS = [
  'import multiprocessing',
  'import multiprocessing as mp',
  'from multiprocessing import Pool, Process, Queue',
  'from multiprocessing import Pool as P',
  'from multiprocessing import get_context, set_start_method, freeze_support',
  'from multiprocessing import Manager',
  'import multiprocessing.pool',
  'import concurrent.futures',
  'import concurrent.futures as cf',
  'from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor',
  'from multiprocessing.dummy import Pool as ThreadPool',
  'import threading',
  'import functools',
  'import asyncio',
  'import os, sys',
];

const MODULE_ASSIGNMENTS = [
  'N = 4',
  'DATA = list(range(8))',
  'ctx = mp.get_context("spawn")',
  'fork_ctx = multiprocessing.get_context("fork")',
  'QUEUE = mp.Queue()',
  'LOCK = multiprocessing.Lock()',
  'CONFIG = {"workers": 2}',
  'IS_MAIN = __name__ == "__main__"',
  'results = []',
  'executor = cf.ProcessPoolExecutor(max_tasks_per_child=2)',
  'TOKEN = os.environ.get("TOKEN", "")',
];

/** Statements that start processes, call something that might, or have other import-time effects. */
const SCRIPT_STATEMENTS = [
  'print("loading")',
  'main()',
  'run()',
  'p = Process(target=work, args=(1,))',
  'p.start()',
  'p.join()',
  'Process(target=work).start()',
  'mp.Process(target=work, args=(N,)).start()',
  'pool = mp.Pool(2)',
  'pool = Pool(processes=N)',
  'pool.map(work, DATA)',
  'print(P(2).map(work, DATA))',
  'ex = cf.ProcessPoolExecutor()',
  'ex.submit(work, 3)',
  'ProcessPoolExecutor().map(work, DATA)',
  'ThreadPool(2).map(work, DATA)',
  'ThreadPoolExecutor().submit(work, 1)',
  'threading.Thread(target=main).start()',
  'ctx.Pool(2).map(work, DATA)',
  'mp.get_context("spawn").Process(target=work).start()',
  'mp.set_start_method("spawn")',
  'set_start_method("fork", force=True)',
  'freeze_support()',
  'mgr = Manager()',
  'asyncio.run(amain())',
  'open("log.txt", "a").write("x")',
  'Worker().start()',
  'Service().start()',
  'pool.map(lambda x: x * 2, DATA)',
  'Process(target=lambda: None).start()',
  'Pool(2, initializer=lambda: None)',
  'os.environ["MODE"] = "1"',
  'squares = [work(i) for i in DATA]',
  'QUEUE.put(1)',
  'pass',
  'x = "# noqa: SPG001 inside a string"',
  'main() if __name__ == "__main__" else None',
];

/** Values a guard may assign: a worker that reads them in a spawned child sees something else. */
const GUARD_ASSIGNMENTS = ['N = 8', 'TOKEN = "secret"', 'DATA = [1, 2, 3]', 'LIMIT = 10'];

const WORKER_BODIES = [
  ['return x * 2'],
  ['return x + N'],
  ['QUEUE.put(x)'],
  ['print(TOKEN, x)', 'return LIMIT'],
  ['with LOCK:', '\tprint(x)'],
  ['"""A worker."""', 'return os.getpid()'],
];

const WITH_HEADERS = [
  'with Pool(2) as pool:',
  'with mp.Pool() as pool:',
  'with cf.ProcessPoolExecutor(max_workers=2) as ex:',
  'with ProcessPoolExecutor() as ex, open(__file__) as fh:',
  'with ThreadPoolExecutor() as ex:',
  'with ctx.Pool(initializer=init) as pool:',
  'with mp.get_context("fork").Pool(2) as pool:',
  'with open(__file__) as fh:',
  'with Manager() as manager:',
];

const WITH_BODIES = [
  'print(pool.map(work, DATA))',
  'list(ex.map(work, DATA))',
  'ex.submit(job, 1).result()',
  'pool.starmap(work, [(1,), (2,)])',
  'pool.imap_unordered(lambda x: x, DATA)',
  'print(fh.readline())',
];

/** Guards, right and broken: `${header}` opens the block. */
const GUARD_HEADERS = [
  'if __name__ == "__main__":',
  "if __name__ == '__main__':",
  'if "__main__" == __name__:',
  'if __name__ == "__main__" and len(sys.argv) > 0:',
  'if IS_MAIN:',
  'if __name__ in ("__main__", "__mp_main__"):',
  'if __name__ == "main":',
  'if __name__ == "__main__" or True:',
  'if __name__ != "__main__":',
];

const WRAPPER_HEADERS = ['for i in range(2):', 'while False:', 'if True:', 'if sys.platform == "win32":', 'if TYPE_CHECKING:'];

const DECORATORS = ['@trace', '@traced', '@functools.lru_cache(maxsize=None)', '@register(Pool(2))', '@staticmethod'];

const TRAILING_COMMENTS = ['# note', '# noqa', '# noqa: SPG001', '# noqa: SPG002, SPG008', '# type: ignore', '# a "quoted" note'];

const FUNCTION_NAMES = ['work', 'main', 'run', 'job', 'init', 'helper'];

const HEADERS = {
  shebang: '#!/usr/bin/env python3',
  cookie: '# -*- coding: utf-8 -*-',
  docstring: '"""A script that uses multiprocessing."""',
  future: 'from __future__ import annotations',
};

const line = (text: string, depth = 0): ProgramLine => ({ depth, text });

/** `arbitrary`'s value one time in `oneIn`, else null. */
function oneTimeIn<T>(oneIn: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: oneIn - 1 }, { arbitrary, weight: 1 });
}

function nest(lines: readonly ProgramLine[], by: number): ProgramLine[] {
  return lines.map((l) => ({ depth: l.depth + by, text: l.text }));
}

function isStatementLine(l: ProgramLine): boolean {
  return l.text.trim() !== '' && !l.text.trimStart().startsWith('#');
}

/** A compound statement: its header and a body that holds at least one statement. */
function compound(header: string, body: readonly Block[]): Block {
  const lines = body.flat();
  const hasStatement = lines.some((l) => l.depth === 0 && isStatementLine(l));
  return [line(header), ...nest(hasStatement ? lines : [...lines, line('pass')], 1)];
}

/** A body given as strings with `\t` marking one extra level, as in WORKER_BODIES. */
function bodyFromStrings(texts: readonly string[]): Block[] {
  return [texts.map((text) => line(text.replace(/^\t+/, ''), text.length - text.replace(/^\t+/, '').length))];
}

const simpleStatement = (choices: readonly string[]): fc.Arbitrary<Block> =>
  fc
    .tuple(fc.constantFrom(...choices), oneTimeIn(6, fc.constantFrom(...TRAILING_COMMENTS)))
    .map(([text, comment]) => [line(comment ? `${text}  ${comment}` : text)]);

const commentOrBlank: fc.Arbitrary<Block> = fc.constantFrom<Block>(
  [line('')],
  [line('# a comment that belongs to the next statement')],
  [line('# spawn-guard: noqa')],
  [line('')],
);

const workerDefinition: fc.Arbitrary<Block> = fc
  .tuple(fc.constantFrom(...FUNCTION_NAMES), fc.constantFrom(...WORKER_BODIES), oneTimeIn(4, fc.constantFrom(...DECORATORS)), fc.boolean())
  .map(([name, body, decorator, withParameter]) => [
    ...(decorator ? [line(decorator)] : []),
    ...compound(`def ${name}(${withParameter ? 'x' : 'x=0'}):`, bodyFromStrings(body)),
  ]);

/** Decorators the programs use: one keeps the function's identity (functools.wraps), one does not. */
const decoratorDefinitions: fc.Arbitrary<Block> = fc.constantFrom<Block>(
  compound('def trace(fn):', [compound('def wrapper(*args, **kwargs):', [[line('return fn(*args, **kwargs)')]]), [line('return wrapper')]]),
  compound('def traced(fn):', [
    [line('@functools.wraps(fn)')],
    compound('def wrapper(*args, **kwargs):', [[line('return fn(*args, **kwargs)')]]),
    [line('return wrapper')],
  ]),
  compound('def register(value):', [[line('return lambda fn: fn')]]),
);

/** A function with a nested worker or closure handed to a process: unpicklable under spawn. */
const nestedWorkerDefinition: fc.Arbitrary<Block> = fc
  .constantFrom('Process(target=inner, args=(1,)).start()', 'Pool(2).map(inner, DATA)', 'cf.ProcessPoolExecutor().submit(inner, 2)')
  .map((use) => compound('def outer(scale=2):', [compound('def inner(y):', [[line('return y * scale')]]), [line(use)]]));

const asyncDefinition: fc.Arbitrary<Block> = fc.constant(
  compound('async def amain():', [
    [line('loop = asyncio.get_running_loop()')],
    compound('with cf.ProcessPoolExecutor() as ex:', [[line('return await loop.run_in_executor(ex, work, 1)')]]),
  ]),
);

/** `def main():` that returns early unless it runs as the main script. */
const earlyReturnMain: fc.Arbitrary<Block> = fc.constant(
  compound('def main():', [
    compound('if __name__ != "__main__":', [[line('return')]]),
    compound('with Pool(2) as pool:', [[line('print(pool.map(work, DATA))')]]),
  ]),
);

const defaultArgumentStart: fc.Arbitrary<Block> = fc.constant(compound('def setup(pool=mp.Pool(2)):', [[line('return pool')]]));

function withBlock(body: fc.Arbitrary<Block[]>): fc.Arbitrary<Block> {
  return fc
    .tuple(fc.constantFrom(...WITH_HEADERS), fc.constantFrom(...WITH_BODIES), body)
    .map(([header, first, rest]) => compound(header, [[line(first)], ...rest]));
}

function tryBlock(body: fc.Arbitrary<Block[]>): fc.Arbitrary<Block> {
  return fc
    .tuple(body, body, fc.constantFrom('except Exception:', 'except ImportError as error:', 'finally:'), fc.boolean())
    .map(([tryBody, handlerBody, handler, withElse]) => [
      ...compound('try:', tryBody),
      ...compound(handler, handlerBody),
      ...(withElse && handler !== 'finally:' ? compound('else:', tryBody) : []),
    ]);
}

function guard(body: fc.Arbitrary<Block[]>): fc.Arbitrary<Block> {
  return fc
    .tuple(fc.constantFrom(...GUARD_HEADERS), body, oneTimeIn(5, body), fc.boolean())
    .map(([header, guarded, otherwise, freezeFirst]) => [
      ...compound(header, freezeFirst ? [[line('freeze_support()')], ...guarded] : guarded),
      ...(otherwise ? compound('else:', otherwise) : []),
    ]);
}

const guardBodyItem = (nested: fc.Arbitrary<Block>): fc.Arbitrary<Block> =>
  fc.oneof(
    { arbitrary: simpleStatement(SCRIPT_STATEMENTS), weight: 5 },
    { arbitrary: simpleStatement(GUARD_ASSIGNMENTS), weight: 2 },
    { arbitrary: workerDefinition, weight: 2 },
    { arbitrary: nested, weight: 2 },
    { arbitrary: commentOrBlank, weight: 1 },
  );

function classDefinition(body: fc.Arbitrary<Block[]>): fc.Arbitrary<Block> {
  return fc.oneof(
    fc.constant(compound('class Worker(mp.Process):', [compound('def run(self):', [[line('print("working")')]])])),
    fc.constant(compound('class Pinger(Process):', [[line('interval = 1')], compound('def run(self):', [[line('work(self.interval)')]])])),
    body.map((methodBody) =>
      compound('class Service:', [[line('"""Starts a pool on demand."""')], compound('def start(self):', methodBody)]),
    ),
    fc.constant(compound('class Eager:', [[line('pool = Pool(2)')]])),
  );
}

/** A statement (with its body) at a nesting budget of `depth`. */
function statement(depth: number): fc.Arbitrary<Block> {
  const leaf = fc.oneof(
    { arbitrary: simpleStatement(SCRIPT_STATEMENTS), weight: 6 },
    { arbitrary: simpleStatement(MODULE_ASSIGNMENTS), weight: 2 },
    { arbitrary: simpleStatement(IMPORTS), weight: 1 },
    { arbitrary: commentOrBlank, weight: 2 },
  );
  if (depth <= 0) return leaf;
  const inner = statement(depth - 1);
  const body = fc.array(inner, { minLength: 1, maxLength: 3 });
  const guardBody = fc.array(guardBodyItem(inner), { minLength: 1, maxLength: 4 });
  return fc.oneof(
    { arbitrary: leaf, weight: 8 },
    { arbitrary: withBlock(fc.array(inner, { maxLength: 2 })), weight: 2 },
    { arbitrary: tryBlock(body), weight: 1 },
    {
      arbitrary: fc.tuple(fc.constantFrom(...WRAPPER_HEADERS), body).map(([header, b]) => compound(header, b)),
      weight: 1,
    },
    { arbitrary: guard(guardBody), weight: 2 },
    { arbitrary: workerDefinition, weight: 2 },
    { arbitrary: body.map((b) => compound('def main():', b)), weight: 2 },
    { arbitrary: classDefinition(body), weight: 1 },
    { arbitrary: nestedWorkerDefinition, weight: 1 },
  );
}

/** Top-level items, including the definitions that only make sense at module level. */
const topLevelItem: fc.Arbitrary<Block> = fc.oneof(
  { arbitrary: statement(2), weight: 10 },
  { arbitrary: simpleStatement(IMPORTS), weight: 3 },
  { arbitrary: decoratorDefinitions, weight: 1 },
  { arbitrary: asyncDefinition, weight: 1 },
  { arbitrary: earlyReturnMain, weight: 1 },
  { arbitrary: defaultArgumentStart, weight: 1 },
);

const styleArb: fc.Arbitrary<ProgramStyle> = fc.record({
  indent: fc.constantFrom<ProgramStyle['indent']>('    ', '    ', '  ', '\t'),
  eol: fc.constantFrom<ProgramStyle['eol']>('\n', '\n', '\r\n'),
  finalNewline: fc.boolean(),
});

const headerArb: fc.Arbitrary<string[]> = fc
  .tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean())
  .map((chosen) => [HEADERS.shebang, HEADERS.cookie, HEADERS.docstring, HEADERS.future].filter((_, index) => chosen[index]));

/** A whole program: header lines, imports, then statements, often ending in a guard. */
export const programArb: fc.Arbitrary<Program> = fc
  .tuple(
    headerArb,
    fc.array(simpleStatement(IMPORTS), { maxLength: 4 }),
    fc.array(topLevelItem, { maxLength: 12 }),
    oneTimeIn(2, guard(fc.array(guardBodyItem(statement(1)), { minLength: 1, maxLength: 4 }))),
    styleArb,
  )
  .map(([header, imports, items, finalGuard, style]) => ({
    header,
    blocks: [...imports, ...items, ...(finalGuard ? [finalGuard] : [])],
    style,
  }));

/** The program's source text in its own style. */
export function renderProgram(program: Program): string {
  const { indent, eol, finalNewline } = program.style;
  const lines = [...program.header, ...program.blocks.flat().map((l) => (l.text === '' ? '' : indent.repeat(l.depth) + l.text))];
  const text = lines.join(eol);
  return finalNewline && text !== '' ? text + eol : text;
}

export const programTextArb: fc.Arbitrary<string> = programArb.map(renderProgram);

/**
 * An edit over whatever text it is applied to: `at` and `remove` are reduced modulo the text's length
 * when applied, so any sequence of edits stays applicable as the text changes.
 */
export interface RandomEdit {
  at: number;
  remove: number;
  insert: string;
}

/** What a person types or pastes: single keys, line breaks of every kind, tokens the rules look for. */
const TYPED = [
  ' ',
  'a',
  'x',
  '(',
  ')',
  ':',
  ',',
  '.',
  '"',
  "'",
  '#',
  '\\',
  '=',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '    ',
  'if __name__ == "__main__":\n    ',
  'Pool(2)',
  'Process(target=work).start()',
  'lambda: 0',
  'def f():\n',
  'with mp.Pool() as pool:\n',
  '"""',
  '# noqa',
  'import multiprocessing as mp\n',
  'é',
  '\u{1F40D}',
  '\0',
  '\uFEFF',
];

export const randomEditArb: fc.Arbitrary<RandomEdit> = fc.record({
  at: fc.nat(),
  remove: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.nat(3), weight: 3 }, { arbitrary: fc.nat(60), weight: 1 }),
  insert: fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    { arbitrary: fc.constantFrom(...TYPED), weight: 6 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }), weight: 1 },
  ),
});

/** The offsets an edit covers in `text` (start ≤ end ≤ text.length). */
export function editSpan(text: string, edit: RandomEdit): { start: number; end: number } {
  const start = edit.at % (text.length + 1);
  return { start, end: Math.min(text.length, start + edit.remove) };
}
