-- Cheaper row-level-security checks on the hot write path (every reply and every audit event).
--
-- The WITH CHECK of ticket_messages and ticket_events asked "may the caller see this ticket?" as
-- an inline EXISTS over tickets. Postgres then plans that subquery, with the whole tickets
-- policy expanded into it, for every INSERT statement — on embedded PGlite that planning cost
-- more than the insert itself (bench/README.md). The same question asked through a PL/pgSQL
-- function is planned once per connection and the plan reused. It is SECURITY INVOKER, so the
-- lookup inside still runs under the caller's role and the tickets policy: the rule is unchanged,
-- only where it is planned. The USING side stays an EXISTS, which the planner can turn into a
-- join when reading many rows.
CREATE OR REPLACE FUNCTION app_ticket_visible(ticket uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public AS
$$ BEGIN RETURN EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket); END $$;
--> statement-breakpoint
ALTER POLICY ticket_messages_access ON ticket_messages
  WITH CHECK (
    app_ticket_visible(ticket_id)
    AND ((SELECT app_is_staff()) OR (NOT is_internal AND author_id = (SELECT app_user_id())))
  );
--> statement-breakpoint
ALTER POLICY ticket_events_access ON ticket_events
  WITH CHECK (app_ticket_visible(ticket_id));
