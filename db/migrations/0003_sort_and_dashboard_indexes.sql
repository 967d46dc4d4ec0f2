-- Indexes for sorts and dashboards that the drizzle schema cannot express (expressions).
-- Ticket lists sorted by priority or status order by the vocabulary's rank, then id; these
-- match the CASE expressions src/services/tickets/list.ts emits, so keyset pages are index scans.
CREATE INDEX IF NOT EXISTS tickets_priority_rank_idx ON tickets ((CASE priority WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 WHEN 'urgent' THEN 3 END), id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS tickets_status_rank_idx ON tickets ((CASE status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'pending' THEN 2 WHEN 'resolved' THEN 3 WHEN 'closed' THEN 4 END), id);
--> statement-breakpoint
-- The AI dashboard selects triaged tickets by when they were triaged.
CREATE INDEX IF NOT EXISTS tickets_triaged_at_idx ON tickets (((metadata -> 'ai' ->> 'triagedAt'))) WHERE metadata ? 'ai';
--> statement-breakpoint
-- Newest-first browsing of the AI log and feedback.
CREATE INDEX IF NOT EXISTS ai_runs_created_idx ON ai_runs (created_at, id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS ai_feedback_created_idx ON ai_feedback (created_at, id);
