-- Knowledge-base search that stays fast under row-level security.
--
-- 1. Full-text candidates. Under RLS, Postgres evaluates the policy before any query condition
--    that is not LEAKPROOF, and `tsvector @@ tsquery` is not: so for customers, visitors and
--    agents alike a full-text match could never use the GIN index and scanned every chunk
--    (50,000 chunks: ~600 ms a search, bench/kb-search.ts). These functions find the matching
--    ids through the index as the function's owner, applying the same visibility rule as the
--    policies themselves; the caller's query then reads those rows by id under its own policies
--    as before, so a row the caller may not see is still filtered twice. `max_rows` bounds the
--    work when even the rarest query term is common (the caller scores every returned row).
--    They bypass RLS only when their owner may (superuser or BYPASSRLS, like the role that runs
--    migrations in embedded mode and in docker-compose); otherwise they are merely correct.
-- 2. The read policies of chunks and learned questions asked EXISTS (published article), which
--    the planner turned into a hash of every published article for each search (~6 ms at 5,000
--    articles). A PL/pgSQL lookup per candidate row (an HNSW scan reads a few dozen) is cheaper
--    and its plan is cached per connection. Same rule.
CREATE OR REPLACE FUNCTION app_kb_article_published(article uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS
$$ BEGIN RETURN EXISTS (SELECT 1 FROM kb_articles a WHERE a.id = article AND a.status = 'published'); END $$;
--> statement-breakpoint
ALTER POLICY kb_chunks_access ON kb_chunks
  USING ((SELECT app_is_staff()) OR app_kb_article_published(article_id));
--> statement-breakpoint
ALTER POLICY kb_learned_questions_access ON kb_learned_questions
  USING ((SELECT app_is_staff()) OR app_kb_article_published(article_id));
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_kb_chunks_matching(query tsquery, max_rows integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public ROWS 200 AS
$$ SELECT c.id FROM kb_chunks c WHERE c.tsv @@ query AND (app_is_staff() OR app_kb_article_published(c.article_id)) LIMIT max_rows $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_kb_questions_matching(query tsquery, max_rows integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public ROWS 200 AS
$$ SELECT q.id FROM kb_learned_questions q WHERE q.tsv @@ query AND (app_is_staff() OR app_kb_article_published(q.article_id)) LIMIT max_rows $$;
