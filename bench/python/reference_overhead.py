"""The reference design's client on the overhead run, for `pnpm bench cli`: DEAP's eaSimple
with the toolbox's `map` evaluating each generation's individuals through aiohttp, one
`GET /one_max_fitness/<bits>` per individual, all of a generation at once over one session.

Reads the settings as JSON on stdin (`url`, `length`, `population`, `generations`, `cxpb`,
`mutpb`, `tournsize`, `runs`); prints one JSON object: the evaluations per second of each run.
"""
import asyncio
import json
import random
import sys
import time

import aiohttp
from deap import algorithms

from onemax_toolbox import onemax_toolbox

settings = json.load(sys.stdin)
url = settings["url"].rstrip("/")
toolbox = onemax_toolbox(settings["length"], settings["tournsize"])


async def evaluate_all(individuals):
    # gunicorn's sync workers take one request each: more connections would only queue.
    connector = aiohttp.TCPConnector(limit=settings.get("connections", 20))
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(individual):
            bits = "".join(str(b) for b in individual)
            async with session.get(f"{url}/one_max_fitness/{bits}") as response:
                return (int(await response.text()),)

        return await asyncio.gather(*(one(i) for i in individuals))


counted = {"evaluations": 0}


def remote_map(function, individuals):
    # eaSimple maps toolbox.evaluate over the individuals whose fitness is invalid.
    if function is not toolbox.evaluate:
        return list(map(function, individuals))
    individuals = list(individuals)
    counted["evaluations"] += len(individuals)
    return asyncio.run(evaluate_all(individuals))


toolbox.register("map", remote_map)

rates = []
for run in range(settings["runs"]):
    random.seed(run + 1)
    counted["evaluations"] = 0
    population = toolbox.population(n=settings["population"])
    started = time.perf_counter()
    algorithms.eaSimple(population, toolbox, cxpb=settings["cxpb"], mutpb=settings["mutpb"],
                        ngen=settings["generations"], verbose=False)
    rates.append(counted["evaluations"] / (time.perf_counter() - started))

print(json.dumps({"evaluationsPerSecond": rates}))
