export * from "./columns.js";
export * from "./enums.js";
export * from "./users.js";
export * from "./teams.js";
export * from "./tickets.js";
export * from "./kb.js";
export * from "./ai.js";
export * from "./jobs.js";
