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
