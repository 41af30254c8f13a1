import multiprocessing

print(multiprocessing.get_start_method())
