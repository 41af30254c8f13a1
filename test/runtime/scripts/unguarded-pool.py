# Under spawn every worker dies re-importing this file and the pool replaces it: the script never ends.
from multiprocessing import Pool


def square(x):
    return x * x


with Pool(2) as pool:
    pool.map(square, [1, 2, 3])
