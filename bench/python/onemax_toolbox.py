"""The DEAP toolbox the bench scripts share: OneMax of `length` bits, two-point crossover,
flip-bit mutation (1/length), tournament selection."""
import random

from deap import base, creator, tools


def onemax_toolbox(length, tournsize):
    creator.create("FitnessMax", base.Fitness, weights=(1.0,))
    creator.create("Individual", list, fitness=creator.FitnessMax)
    toolbox = base.Toolbox()
    toolbox.register("attr_bool", random.randint, 0, 1)
    toolbox.register("individual", tools.initRepeat, creator.Individual, toolbox.attr_bool, length)
    toolbox.register("population", tools.initRepeat, list, toolbox.individual)
    toolbox.register("evaluate", lambda ind: (sum(ind),))
    toolbox.register("mate", tools.cxTwoPoint)
    toolbox.register("mutate", tools.mutFlipBit, indpb=1.0 / length)
    toolbox.register("select", tools.selTournament, tournsize=tournsize)
    return toolbox
