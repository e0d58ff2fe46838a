/** A user's problem project in a fresh temporary folder (see user-project.mjs). */
export interface UserProject {
  readonly dir: string;
  /** The TypeScript module (problem `curve-fit`). */
  readonly fitness: string;
  /** The external-program module (problem `py-onemax`, running `python3 sim.py`). */
  readonly python: string;
  /** A module whose fitness throws for genomes starting 1111 (problem `fragile-onemax`). */
  readonly fragile: string;
  /** A two-objective module (problem `beam`: max stiffness, min mass). */
  readonly tradeoff: string;
  /** Modules that must be refused, by file name. */
  readonly faulty: Readonly<Record<string, string>>;
  /** This build of @galapagos/core. */
  readonly coreRoot: string;
}

export function writeUserProject(options?: { edit?: boolean }): UserProject;

/** Writes a module of command problems (each `defineCommandProblem`'s options) to `file`. */
export function writeCommandModule(file: string, problems: readonly object[]): string;
