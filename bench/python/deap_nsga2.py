"""DEAP's NSGA-II (its own example, step for step) on ZDT1-3, for `pnpm bench quality`.

Reads the settings as JSON on stdin; prints one JSON object: each seed's final hypervolume
against the reference point, and the seconds per generation.
"""
import json
import random
import sys
import time

from deap import base, benchmarks, creator, tools
from deap.benchmarks.tools import hypervolume

settings = json.load(sys.stdin)
NDIM = settings["variables"]
MU = settings["population"]

creator.create("FitnessMin", base.Fitness, weights=(-1.0, -1.0))
creator.create("Individual", list, fitness=creator.FitnessMin)
toolbox = base.Toolbox()
toolbox.register("attr_float", random.uniform, 0, 1)
toolbox.register("individual", tools.initRepeat, creator.Individual, toolbox.attr_float, NDIM)
toolbox.register("population", tools.initRepeat, list, toolbox.individual)
toolbox.register("evaluate", getattr(benchmarks, settings["problem"]))
toolbox.register("mate", tools.cxSimulatedBinaryBounded, low=0.0, up=1.0, eta=20.0)
toolbox.register("mutate", tools.mutPolynomialBounded, low=0.0, up=1.0, eta=20.0, indpb=1.0 / NDIM)
toolbox.register("select", tools.selNSGA2)


def run(seed):
    random.seed(seed)
    pop = toolbox.population(n=MU)
    for ind in pop:
        ind.fitness.values = toolbox.evaluate(ind)
    pop = toolbox.select(pop, len(pop))
    for _ in range(settings["generations"]):
        offspring = [toolbox.clone(ind) for ind in tools.selTournamentDCD(pop, len(pop))]
        for ind1, ind2 in zip(offspring[::2], offspring[1::2]):
            if random.random() <= settings["cxpb"]:
                toolbox.mate(ind1, ind2)
            toolbox.mutate(ind1)
            toolbox.mutate(ind2)
            del ind1.fitness.values, ind2.fitness.values
        for ind in offspring:
            if not ind.fitness.valid:
                ind.fitness.values = toolbox.evaluate(ind)
        pop = toolbox.select(pop + offspring, MU)
    return hypervolume(pop, settings["referencePoint"])


runs = []
seconds = 0.0
for seed in settings["seeds"]:
    started = time.perf_counter()
    runs.append({"seed": seed, "hypervolume": run(seed)})
    seconds += time.perf_counter() - started
print(json.dumps({"runs": runs, "secondsPerGeneration": seconds / (len(settings["seeds"]) * (settings["generations"] + 1))}))
