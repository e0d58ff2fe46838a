"""DEAP's eaMuPlusLambda on OneMax, for `pnpm bench quality`.

Reads the settings as JSON on stdin; prints one JSON object: each seed's best fitness and
generation of first success, and the seconds per generation.
"""
import json
import random
import sys
import time

from deap import algorithms, base, creator, tools

settings = json.load(sys.stdin)
length = settings["length"]

creator.create("FitnessMax", base.Fitness, weights=(1.0,))
creator.create("Individual", list, fitness=creator.FitnessMax)
toolbox = base.Toolbox()
toolbox.register("attr_bool", random.randint, 0, 1)
toolbox.register("individual", tools.initRepeat, creator.Individual, toolbox.attr_bool, length)
toolbox.register("population", tools.initRepeat, list, toolbox.individual)
toolbox.register("evaluate", lambda ind: (sum(ind),))
toolbox.register("mate", tools.cxTwoPoint)
toolbox.register("mutate", tools.mutFlipBit, indpb=1.0 / length)
toolbox.register("select", tools.selTournament, tournsize=settings["tournsize"])

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
