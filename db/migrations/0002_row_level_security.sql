-- Row-level security: the database's own copy of the authorization rules in DESIGN.md, so a
-- query that forgets its WHERE clause still cannot leak. Each request runs in a transaction
-- that does SET LOCAL ROLE autocrm_app and sets app.user_id / app.role (see db/actor.ts);
-- superusers and table owners bypass RLS, which is why requests never run as them.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'autocrm_app') THEN
    CREATE ROLE autocrm_app NOLOGIN;
  END IF;
  -- The connecting user must be allowed to SET ROLE autocrm_app (superusers always are).
  BEGIN
    EXECUTE format('GRANT autocrm_app TO %I', current_user);
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'could not grant autocrm_app to %: %', current_user, SQLERRM;
  END;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO autocrm_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO autocrm_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO autocrm_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO autocrm_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO autocrm_app;
--> statement-breakpoint

-- Who is asking. Unset settings mean an anonymous caller, who sees only published KB content.
CREATE OR REPLACE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_role() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT coalesce(nullif(current_setting('app.role', true), ''), 'anonymous') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_is_staff() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT app_role() IN ('agent', 'admin', 'system') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_is_admin() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT app_role() IN ('admin', 'system') $$;
--> statement-breakpoint
-- SECURITY DEFINER so the lookup is not itself filtered (and cannot recurse).
CREATE OR REPLACE FUNCTION app_team_ids() RETURNS uuid[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$ SELECT coalesce(array_agg(team_id), '{}') FROM team_members WHERE user_id = app_user_id() $$;
--> statement-breakpoint

-- Policies wrap the helper calls in (SELECT …) so Postgres evaluates them once per query
-- (an InitPlan), not once per row.

ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tickets_access ON tickets
  USING (
    (SELECT app_is_admin())
    OR ((SELECT app_role()) = 'customer' AND customer_id = (SELECT app_user_id()))
    OR ((SELECT app_role()) = 'agent' AND (
          assignee_id = (SELECT app_user_id())
          OR (assignee_id IS NULL AND team_id IS NULL)
          OR team_id = ANY ((SELECT app_team_ids())::uuid[])))
  )
  -- Staff may move a ticket out of their own sight (hand it to another team); customers may
  -- only write tickets that are theirs.
  WITH CHECK ((SELECT app_is_staff()) OR customer_id = (SELECT app_user_id()));
--> statement-breakpoint

ALTER TABLE ticket_messages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ticket_messages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ticket_messages_access ON ticket_messages
  USING (
    EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_id)
    AND (NOT is_internal OR (SELECT app_is_staff()))
  )
  WITH CHECK (
    EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_id)
    AND ((SELECT app_is_staff()) OR (NOT is_internal AND author_id = (SELECT app_user_id())))
  );
--> statement-breakpoint

ALTER TABLE ticket_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ticket_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ticket_events_access ON ticket_events
  USING (EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_id) AND (NOT is_internal OR (SELECT app_is_staff())))
  WITH CHECK (EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_id));
--> statement-breakpoint

ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE attachments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- An attachment on an internal note is as internal as the note.
CREATE POLICY attachments_access ON attachments
  USING (
    EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_id)
    AND (message_id IS NULL OR EXISTS (SELECT 1 FROM ticket_messages m WHERE m.id = message_id))
  );
--> statement-breakpoint

ALTER TABLE ticket_feedback ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ticket_feedback FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ticket_feedback_access ON ticket_feedback
  USING (EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_id))
  WITH CHECK ((SELECT app_is_staff()) OR customer_id = (SELECT app_user_id()));
--> statement-breakpoint

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Everyone signed in may see staff (names on replies); customers see no other customer.
CREATE POLICY users_access ON users
  USING ((SELECT app_is_staff()) OR id = (SELECT app_user_id()) OR (role IN ('agent', 'admin') AND (SELECT app_role()) <> 'anonymous'))
  WITH CHECK ((SELECT app_is_admin()) OR (id = (SELECT app_user_id()) AND role = (SELECT app_role())));
--> statement-breakpoint

ALTER TABLE user_identities ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE user_identities FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY user_identities_access ON user_identities
  USING ((SELECT app_is_staff()) OR user_id = (SELECT app_user_id()));
--> statement-breakpoint

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY sessions_access ON sessions
  USING ((SELECT app_role()) = 'system' OR user_id = (SELECT app_user_id()));
--> statement-breakpoint

ALTER TABLE kb_articles ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE kb_articles FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY kb_articles_access ON kb_articles
  USING ((SELECT app_is_staff()) OR status = 'published')
  WITH CHECK ((SELECT app_is_staff()));
--> statement-breakpoint
-- Customers and visitors bump helpful counts on published articles through the service,
-- which runs that one update as the system role.

ALTER TABLE kb_article_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE kb_article_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY kb_article_versions_access ON kb_article_versions USING ((SELECT app_is_staff()));
--> statement-breakpoint

ALTER TABLE kb_chunks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE kb_chunks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY kb_chunks_access ON kb_chunks
  USING ((SELECT app_is_staff()) OR EXISTS (SELECT 1 FROM kb_articles a WHERE a.id = article_id AND a.status = 'published'))
  WITH CHECK ((SELECT app_is_staff()));
--> statement-breakpoint

ALTER TABLE kb_learned_questions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE kb_learned_questions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY kb_learned_questions_access ON kb_learned_questions
  USING ((SELECT app_is_staff()) OR EXISTS (SELECT 1 FROM kb_articles a WHERE a.id = article_id AND a.status = 'published'))
  WITH CHECK ((SELECT app_is_staff()));
--> statement-breakpoint

ALTER TABLE kb_feedback ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE kb_feedback FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY kb_feedback_access ON kb_feedback
  USING ((SELECT app_is_staff()) OR user_id = (SELECT app_user_id()))
  WITH CHECK ((SELECT app_is_staff()) OR user_id IS NOT DISTINCT FROM (SELECT app_user_id()));
--> statement-breakpoint

ALTER TABLE answer_sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE answer_sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY answer_sessions_access ON answer_sessions
  USING ((SELECT app_is_staff()) OR (user_id IS NOT NULL AND user_id = (SELECT app_user_id())));
--> statement-breakpoint

ALTER TABLE ai_drafts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ai_drafts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ai_drafts_access ON ai_drafts
  USING ((SELECT app_is_staff()) AND EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_id));
--> statement-breakpoint

ALTER TABLE ai_runs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ai_runs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ai_runs_access ON ai_runs USING ((SELECT app_is_staff()));
--> statement-breakpoint

ALTER TABLE ai_feedback ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ai_feedback FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ai_feedback_access ON ai_feedback USING ((SELECT app_is_staff()));
--> statement-breakpoint

-- Ticket text search ("text in subject/description") uses ILIKE; trigram GIN makes it indexed.
CREATE INDEX IF NOT EXISTS tickets_text_trgm_idx ON tickets USING gin ((subject || ' ' || description) gin_trgm_ops);
