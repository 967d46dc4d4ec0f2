import type { Actor } from "../auth/actor.js";
import type { Logger } from "../logger.js";
import type { ServiceContext } from "../services/context.js";

/** Per-request values set by middleware; handlers read them with c.get(). */
export interface AppVariables {
  requestId: string;
  logger: Logger;
  actor: Actor;
  /** The service context for this request's actor: what handlers pass to service verbs. */
  ctx: ServiceContext;
}

export interface AppEnv {
  Variables: AppVariables;
}
