import type { App } from "../app.js";
import type { AppDeps } from "../deps.js";
import { registerAuthRoutes } from "./auth.js";
import { registerHealthRoutes } from "./health.js";
import { registerUserRoutes } from "./users.js";

/** Every route module, in the order they appear in the OpenAPI document. */
export function registerRoutes(app: App, deps: AppDeps): void {
  registerHealthRoutes(app, deps);
  registerAuthRoutes(app);
  registerUserRoutes(app);
}
