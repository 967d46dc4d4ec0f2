ALTER TABLE "kb_chunks" ADD COLUMN "published" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "kb_learned_questions" ADD COLUMN "published" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- A customer's (or visitor's) search touches hundreds of chunk and learned-question rows, and
-- their read policy asked for each one whether its article is published: a PL/pgSQL lookup per
-- row (0005), done once inside the full-text candidate function and again by the policy. The
-- answer now lives on the rows themselves, kept by triggers in the same transaction as the
-- article's status, so the policy is a column test the planner can apply inside any scan.
-- Same rule as before; the triggers are SECURITY DEFINER so they keep the flag right whoever
-- changes the article, and they overwrite whatever a writer puts in the column.
UPDATE kb_chunks c SET published = (a.status = 'published') FROM kb_articles a WHERE a.id = c.article_id;
--> statement-breakpoint
UPDATE kb_learned_questions q SET published = (a.status = 'published') FROM kb_articles a WHERE a.id = q.article_id;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_kb_row_published() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS
$$ BEGIN
  NEW.published := EXISTS (SELECT 1 FROM kb_articles a WHERE a.id = NEW.article_id AND a.status = 'published');
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER kb_chunks_published BEFORE INSERT OR UPDATE ON kb_chunks
  FOR EACH ROW EXECUTE FUNCTION app_kb_row_published();
--> statement-breakpoint
CREATE TRIGGER kb_learned_questions_published BEFORE INSERT OR UPDATE ON kb_learned_questions
  FOR EACH ROW EXECUTE FUNCTION app_kb_row_published();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_kb_article_status_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS
$$ BEGIN
  -- The row triggers above recompute the flag from the article, which already has its new status.
  UPDATE kb_chunks SET published = NOT published WHERE article_id = NEW.id AND published IS DISTINCT FROM (NEW.status = 'published');
  UPDATE kb_learned_questions SET published = NOT published WHERE article_id = NEW.id AND published IS DISTINCT FROM (NEW.status = 'published');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER kb_articles_status_changed AFTER UPDATE OF status ON kb_articles
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION app_kb_article_status_changed();
--> statement-breakpoint
ALTER POLICY kb_chunks_access ON kb_chunks USING ((SELECT app_is_staff()) OR published);
--> statement-breakpoint
ALTER POLICY kb_learned_questions_access ON kb_learned_questions USING ((SELECT app_is_staff()) OR published);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_kb_chunks_matching(query tsquery, max_rows integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public ROWS 200 AS
$$ SELECT c.id FROM kb_chunks c WHERE c.tsv @@ query AND (app_is_staff() OR c.published) LIMIT max_rows $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_kb_questions_matching(query tsquery, max_rows integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public ROWS 200 AS
$$ SELECT q.id FROM kb_learned_questions q WHERE q.tsv @@ query AND (app_is_staff() OR q.published) LIMIT max_rows $$;
--> statement-breakpoint
DROP FUNCTION app_kb_article_published(uuid);
