"""The reference design's client requests, sent the way it sends them.

The reference async client evaluates every individual of a generation concurrently with one
`GET {url}/one_max_fitness/{bits}` each and reads the fitness with `float(await resp.text())`.
This script (standard library only) sends exactly those requests concurrently and prints the
fitness values as JSON, in input order.

usage: reference_client.py BASE_URL BITS [BITS ...]
"""
import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def one_max_fitness(base_url: str, bits: str) -> float:
    with urllib.request.urlopen(f"{base_url}/one_max_fitness/{bits}", timeout=30) as resp:
        return float(resp.read().decode())


def main() -> None:
    base_url, individuals = sys.argv[1], sys.argv[2:]
    with ThreadPoolExecutor(max_workers=len(individuals)) as pool:
        fitness = list(pool.map(lambda bits: one_max_fitness(base_url, bits), individuals))
    print(json.dumps(fitness))


if __name__ == "__main__":
    main()
