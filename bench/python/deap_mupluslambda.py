"""DEAP's eaMuPlusLambda on OneMax, for `pnpm bench quality`.

Reads the settings as JSON on stdin; prints one JSON object: each seed's best fitness and
generation of first success, and the seconds per generation.
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

runs = []
seconds = 0.0
for seed in settings["seeds"]:
    random.seed(seed)
    population = toolbox.population(n=settings["mu"])
    stats = tools.Statistics(lambda ind: ind.fitness.values[0])
    stats.register("max", max)
    started = time.perf_counter()
    _, logbook = algorithms.eaMuPlusLambda(
        population, toolbox, mu=settings["mu"], lambda_=settings["lambda"],
        cxpb=settings["cxpb"], mutpb=settings["mutpb"], ngen=settings["generations"],
        stats=stats, verbose=False)
    seconds += time.perf_counter() - started
    maxima = logbook.select("max")
    first = next((g for g, m in enumerate(maxima) if m >= length), None)
    runs.append({"seed": seed, "best": max(maxima), "solvedAt": first})

print(json.dumps({"runs": runs, "secondsPerGeneration": seconds / (len(settings["seeds"]) * (settings["generations"] + 1))}))
