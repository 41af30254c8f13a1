"""Build the nightly report with a pool of workers, and watch progress from another process.

The guard compares __name__ with "main" instead of "__main__", so it is never true and the report is
silently never built. The progress monitor's target is a lambda, which spawn cannot pickle
("Can't pickle <function <lambda>>").
"""
import multiprocessing as mp
import time


def summarize(day):
    return f"day {day}: ok"


def run():
    monitor = mp.Process(target=lambda: print("monitor: running"), daemon=True)
    monitor.start()
    with mp.Pool(2) as pool:
        for line in pool.map(summarize, range(3)):
            print(line)
    time.sleep(0.1)


if __name__ == "main":
    run()
