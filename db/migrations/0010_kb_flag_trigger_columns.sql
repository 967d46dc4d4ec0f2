-- The published-flag triggers of 0008 fired on every update of a chunk or learned question, so
-- re-embedding (`autocrm kb reindex`, which writes only the embedding) looked the article up once
-- per row for nothing. They now fire only when the article link or the flag itself is written,
-- which still covers every way the flag could go wrong: a row moved to another article, or a
-- writer setting the flag (it is recomputed from the article either way).
-- The article is read FOR SHARE: on a server, a learned question written while another
-- transaction changes its article's status waits for that change and takes the flag it commits
-- (indexing already locks the article for its chunks; learning a question did not).
CREATE OR REPLACE FUNCTION app_kb_row_published() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS
$$ DECLARE
  is_published boolean;
BEGIN
  SELECT a.status = 'published' INTO is_published FROM kb_articles a WHERE a.id = NEW.article_id FOR SHARE;
  NEW.published := coalesce(is_published, false);
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER kb_chunks_published ON kb_chunks;
--> statement-breakpoint
CREATE TRIGGER kb_chunks_published BEFORE INSERT OR UPDATE OF article_id, published ON kb_chunks
  FOR EACH ROW EXECUTE FUNCTION app_kb_row_published();
--> statement-breakpoint
DROP TRIGGER kb_learned_questions_published ON kb_learned_questions;
--> statement-breakpoint
CREATE TRIGGER kb_learned_questions_published BEFORE INSERT OR UPDATE OF article_id, published ON kb_learned_questions
  FOR EACH ROW EXECUTE FUNCTION app_kb_row_published();
--> statement-breakpoint
-- Same effect as before (the row triggers recompute the flag when it is written); the value set
-- is now the one it means rather than a flip that only the row trigger made right.
CREATE OR REPLACE FUNCTION app_kb_article_status_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS
$$ BEGIN
  UPDATE kb_chunks SET published = (NEW.status = 'published') WHERE article_id = NEW.id AND published IS DISTINCT FROM (NEW.status = 'published');
  UPDATE kb_learned_questions SET published = (NEW.status = 'published') WHERE article_id = NEW.id AND published IS DISTINCT FROM (NEW.status = 'published');
  RETURN NULL;
END $$;
