/**
 * 0/1 knapsack instances from the public `knapsack_01` data set (J. Burkardt, FSU), with their
 * published optimal selections.
 */
export interface KnapsackInstance {
  readonly capacity: number;
  readonly weights: readonly number[];
  readonly values: readonly number[];
  readonly optimum: number;
  readonly optimalSelection: string;
}

export const knapsackInstances = {
  /** P01: 10 items, capacity 165, optimum 309. */
  p01: {
    capacity: 165,
    weights: [23, 31, 29, 44, 53, 38, 63, 85, 89, 82],
    values: [92, 57, 49, 68, 60, 43, 67, 84, 87, 72],
    optimum: 309,
    optimalSelection: '1111010000',
  },
  /** P08: 24 items, capacity 6,404,180, optimum 13,549,094. */
  p08: {
    capacity: 6404180,
    weights: [
      382745, 799601, 909247, 729069, 467902, 44328, 34610, 698150, 823460, 903959, 853665, 551830,
      610856, 670702, 488960, 951111, 323046, 446298, 931161, 31385, 496951, 264724, 224916, 169684,
    ],
    values: [
      825594, 1677009, 1676628, 1523970, 943972, 97426, 69666, 1296457, 1679693, 1902996, 1844992,
      1049289, 1252836, 1319836, 953277, 2067538, 675367, 853655, 1826027, 65731, 901489, 577243,
      466257, 369261,
    ],
    optimum: 13549094,
    optimalSelection: '110111000110100100000111',
  },
} as const satisfies Record<string, KnapsackInstance>;
