/** Small Python sources the server tests share. */

/** A worker function, then two blank lines: line 7 is where the sources below start their Pool. */
const SQUARE = ['import multiprocessing as mp', '', '', 'def square(n):', '    return n * n', '', ''];

/** An unguarded Pool: SPG001 on `mp.Pool(2)`; under spawn every child re-runs it and the Pool never ends. */
export const UNGUARDED = [...SQUARE, 'with mp.Pool(2) as pool:', '    results = pool.map(square, range(4))', ''].join('\n');

export const GUARDED = [
  ...SQUARE,
  'if __name__ == "__main__":',
  '    with mp.Pool(2) as pool:',
  '        results = pool.map(square, range(4))',
  '',
].join('\n');
