"""Make thumbnails of every image in a folder, one process per core.

Works on Linux with Python <= 3.13 (fork). Under spawn (Windows, macOS, Linux from 3.14) every worker
re-imports this script, runs the module-level code again and tries to start a pool of its own:
"An attempt has been made to start a new process before the current process has finished its
bootstrapping phase", and the pool keeps replacing its dead workers.
"""
import multiprocessing
import os
import sys

SIZE = (128, 128)


def thumbnail(name):
    # Stands in for Pillow's Image.thumbnail(): the work done in each process.
    return f"{name} -> {SIZE[0]}x{SIZE[1]}"


folder = sys.argv[1] if len(sys.argv) > 1 else "."
names = sorted(name for name in os.listdir(folder) if name.endswith((".jpg", ".png"))) or ["a.jpg", "b.png"]
print(f"resizing {len(names)} images")

pool = multiprocessing.Pool(2)
for line in pool.map(thumbnail, names):
    print(line)
pool.close()
pool.join()
