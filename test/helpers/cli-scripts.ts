/** Small Python scripts the CLI tests check; each says what CPython does with it under spawn. */

/** Under spawn every pool worker re-imports the script and starts a pool of its own (SPG001). */
export const UNGUARDED_POOL = `import multiprocessing


def square(n):
    return n * n


pool = multiprocessing.Pool(2)
print(pool.map(square, range(3)))
pool.close()
`;

/** The same work, correctly guarded: no findings. */
export const GUARDED_POOL = `import multiprocessing


def square(n):
    return n * n


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(3)))
`;

/** main() starts a Pool and runs at import time (SPG002, with the start site as related location). */
export const UNGUARDED_MAIN = `from multiprocessing import Pool


def square(n):
    return n * n


def main():
    with Pool(2) as pool:
        print(pool.map(square, range(3)))


main()
`;

/** An unguarded pool in a file that does not parse (after the pool): reported, never rewritten. */
export const BROKEN_WITH_POOL = `import multiprocessing


def square(n):
    return n * n


pool = multiprocessing.Pool(2)


def broken(:
    pass
`;

/** Nothing to do with multiprocessing: the prefilter skips it. */
export const PLAIN = `def greet(name):
    return f"hello {name}"


print(greet("world"))
`;
