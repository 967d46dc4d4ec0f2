-- The policies ask who is calling through the helpers of 0002/0009 (app_role(), app_user_id(),
-- app_is_staff(), app_is_admin()). As PL/pgSQL they are cheap to plan but not to run: each call
-- is a PL/pgSQL function call whose expressions are set up again in every transaction, and every
-- request is a new transaction — ~0.1 ms for the first helper a statement evaluates on embedded
-- PGlite, where a whole ticket-list statement costs ~0.15 ms to run without RLS. The helpers'
-- bodies are single built-in expressions (current_setting, nullif, coalesce), which the planner
-- neither parses (a policy is stored as an expression tree) nor calls through PL/pgSQL. So each
-- policy keeps its 0002/0004 text with every helper call replaced by the helper's body: the same
-- rule, word for word. Measured under the tickets policy, as an admin listing 25 of 100,000
-- tickets: planning 0.25 → 0.17 ms, execution 0.30 → 0.14 ms (bench/README.md).
--
-- The helpers stay for the search functions and for reading the rules; test/security/rls.test.ts
-- checks that no policy calls them, so a later policy written with them does not bring the cost
-- back. app_team_ids() stays a call (SECURITY DEFINER, so its lookup is not itself filtered), and
-- the (SELECT …) wrappers stay, so each expression is still evaluated once per statement.
DO $$
DECLARE
  p record;
  using_expr text;
  check_expr text;
  role_expr constant text := $r$coalesce(nullif(current_setting('app.role', true), ''), 'anonymous')$r$;
  -- Each call and the body that replaces it. app_is_admin and app_is_staff come before app_role,
  -- since their bodies are written with app_role's body (the stored text has no nested calls).
  helpers constant text[][] := ARRAY[
    ['app_is_admin()', format('(%s IN (''admin'', ''system''))', role_expr)],
    ['app_is_staff()', format('(%s IN (''agent'', ''admin'', ''system''))', role_expr)],
    ['app_role()', role_expr],
    ['app_user_id()', $u$nullif(current_setting('app.user_id', true), '')::uuid$u$]
  ];
BEGIN
  FOR p IN SELECT tablename, policyname, qual, with_check FROM pg_policies WHERE schemaname = 'public' LOOP
    using_expr := p.qual;
    check_expr := p.with_check;
    FOR i IN 1 .. array_length(helpers, 1) LOOP
      using_expr := replace(using_expr, helpers[i][1], helpers[i][2]);
      check_expr := replace(check_expr, helpers[i][1], helpers[i][2]);
    END LOOP;
    IF using_expr IS DISTINCT FROM p.qual THEN
      EXECUTE format('ALTER POLICY %I ON %I USING (%s)', p.policyname, p.tablename, using_expr);
    END IF;
    IF check_expr IS DISTINCT FROM p.with_check THEN
      EXECUTE format('ALTER POLICY %I ON %I WITH CHECK (%s)', p.policyname, p.tablename, check_expr);
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
-- The write checks of ticket_messages and ticket_events call app_ticket_visible (0004) per row.
-- Its SET search_path made every call save, set and restore a setting; a SECURITY INVOKER
-- function has no privileges to guard, so it names its table instead: ~0.17 ms less per created
-- ticket (a message and an event). CREATE OR REPLACE drops the SET clause with the old definition.
CREATE OR REPLACE FUNCTION app_ticket_visible(ticket uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY INVOKER AS
$$ BEGIN RETURN EXISTS (SELECT 1 FROM public.tickets t WHERE t.id = ticket); END $$;
