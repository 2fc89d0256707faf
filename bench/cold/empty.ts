// An empty Deno program: the baseline of the cold-start benchmark.
