import type { App } from "../app.js";
import type { AppDeps } from "../deps.js";
import { registerAiAdminRoutes } from "./ai-admin.js";
import { registerAssignmentRoutes } from "./assignment.js";
import { registerAuditRoutes } from "./audit.js";
import { registerAuthRoutes } from "./auth.js";
import { registerConversationRoutes } from "./conversations.js";
import { registerDraftRoutes } from "./drafts.js";
import { registerHealthRoutes } from "./health.js";
import { registerKbArticleRoutes } from "./kb-articles.js";
import { registerKbSearchRoutes } from "./kb-search.js";
import { registerReportRoutes } from "./reports.js";
import { registerRoutingRuleRoutes } from "./routing-rules.js";
import { registerTeamRoutes } from "./teams.js";
import { registerTicketRoutes } from "./tickets.js";
import { registerUserRoutes } from "./users.js";

/** Every route module, in the order they appear in the OpenAPI document. */
export function registerRoutes(app: App, deps: AppDeps): void {
  registerHealthRoutes(app, deps);
  registerAuthRoutes(app);
  registerUserRoutes(app);
  registerKbArticleRoutes(app);
  registerKbSearchRoutes(app);
  registerTicketRoutes(app);
  registerTeamRoutes(app);
  registerRoutingRuleRoutes(app);
  registerAssignmentRoutes(app);
  registerAuditRoutes(app);
  registerReportRoutes(app);
  registerAiAdminRoutes(app);
  registerConversationRoutes(app);
  registerDraftRoutes(app);
}
