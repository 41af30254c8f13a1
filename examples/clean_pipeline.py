"""A correct multiprocessing script: works the same under fork, spawn and forkserver.

Workers and the queue are defined at module level or passed as arguments, and everything that starts
processes is under the main guard. Spawn Guard reports nothing here.
"""
import multiprocessing as mp


def square(n):
    return n * n


def consume(jobs, results):
    while (n := jobs.get()) is not None:
        results.put(square(n))


def main():
    jobs, results = mp.Queue(), mp.Queue()
    consumer = mp.Process(target=consume, args=(jobs, results))
    consumer.start()
    for n in range(5):
        jobs.put(n)
    jobs.put(None)
    print(sorted(results.get(timeout=5) for _ in range(5)))
    consumer.join()
    with mp.Pool(2) as pool:
        print(pool.map(square, range(5)))


if __name__ == "__main__":
    main()
