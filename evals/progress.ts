// Progress on stderr: a bar rewritten in place on a terminal, a line every 10% otherwise (the
// same printer `autocrm kb import` uses). Results go to stdout, so piping them stays clean.
import { progressPrinter } from "../src/cli/kb-commands.js";

/** Makes the reporter for one stage ("import", "queries"…): call it with (done, total). */
export type Progress = (stage: string) => (done: number, total: number) => void;

export const stderrProgress = (dataset: string): Progress => (stage) => progressPrinter(`${dataset} ${stage}`);

export const silentProgress: Progress = () => () => {};
