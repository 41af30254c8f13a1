"""Count words in text files in parallel with concurrent.futures.

main() runs at import time. Under spawn each worker process re-imports this script and calls main()
again, which tries to start an executor of its own while the worker is still starting up: the pool
breaks ("A process in the process pool was terminated abruptly").
"""
import concurrent.futures as cf
from collections import Counter

TEXTS = {
    "one.txt": "the quick brown fox",
    "two.txt": "jumps over the lazy dog the end",
}


def count_words(text):
    return Counter(text.split())


def main():
    totals = Counter()
    with cf.ProcessPoolExecutor(max_workers=2) as executor:
        for counts in executor.map(count_words, TEXTS.values()):
            totals.update(counts)
    print(totals.most_common(3))


main()
