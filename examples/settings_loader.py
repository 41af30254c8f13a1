"""Choose the start method when the settings module loads, then fan out work to a pool.

set_start_method() at import time runs again in every spawned child, where the start method is
already set: "RuntimeError: context has already been set", and the pool's workers die one after
another.
"""
import multiprocessing


def square(n):
    return n * n


multiprocessing.set_start_method("spawn")

if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(5)))
