"""A worker pool that relies on fork.

get_context("fork") does not exist on Windows (ValueError), so this script cannot run there at all.
"""
import multiprocessing


def handle(request):
    return request.upper()


if __name__ == "__main__":
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        print(pool.map(handle, ["ping", "pong"]))
