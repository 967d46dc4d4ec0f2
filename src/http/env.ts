import type { Logger } from "../logger.js";

/** Per-request values set by middleware; handlers read them with c.get(). */
export interface AppVariables {
  requestId: string;
  logger: Logger;
}

export interface AppEnv {
  Variables: AppVariables;
}
