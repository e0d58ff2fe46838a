"""DEAP's eaSimple on OneMax, for `pnpm bench engine`: the engine suite's settings, measured in
the same run as the Galápagos engine.

Reads the settings as JSON on stdin; prints one JSON object: the generations per second of
each run (the initial population's evaluation counted as a generation, as the engine suite
counts it).
"""
import json
import random
import sys
import time

from deap import algorithms, tools

from onemax_toolbox import onemax_toolbox

settings = json.load(sys.stdin)
length = settings["length"]

toolbox = onemax_toolbox(length, settings["tournsize"])

rates = []
for run in range(settings["runs"]):
    random.seed(run + 1)
    population = toolbox.population(n=settings["population"])
    hall = tools.HallOfFame(settings["hallOfFame"])
    stats = tools.Statistics(lambda ind: ind.fitness.values[0])
    stats.register("max", max)
    started = time.perf_counter()
    algorithms.eaSimple(population, toolbox, cxpb=settings["cxpb"], mutpb=settings["mutpb"],
                        ngen=settings["generations"], stats=stats, halloffame=hall, verbose=False)
    rates.append((settings["generations"] + 1) / (time.perf_counter() - started))

print(json.dumps({"generationsPerSecond": rates}))
