"""A producer/consumer pipeline with a job queue shared between processes.

Under spawn the child re-imports this module as __mp_main__: the worker function defined inside the
guard does not exist there ("Can't get attribute 'consume'"), and the module-level RESULTS queue is a
new, empty queue in every child, so the parent never sees what the consumer puts in it.

Spawn Guard reports the first of these (SPG003) and its fix moves `consume` to module level; checked
again, the file then shows the second (SPG005), which needs the queue passed to the worker by hand.
"""
import multiprocessing as mp

RESULTS = mp.Queue()


def produce(jobs):
    for n in range(5):
        jobs.put(n)
    jobs.put(None)


if __name__ == "__main__":

    def consume(jobs):
        while (n := jobs.get()) is not None:
            RESULTS.put(n * n)

    jobs = mp.Queue()
    workers = [mp.Process(target=produce, args=(jobs,)), mp.Process(target=consume, args=(jobs,))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(sorted(RESULTS.get(timeout=5) for _ in range(5)))
