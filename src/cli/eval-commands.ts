import type { Config } from "../config.js";

/**
 * `autocrm eval …` (evals/cli.ts). Loaded on demand: the eval code and its datasets' parsing stay
 * off the path of every other command.
 */
export async function evalCommand(config: Config, argv: string[]): Promise<number> {
  const { runEvalCli } = await import("../../evals/cli.js");
  return runEvalCli(config, argv);
}
