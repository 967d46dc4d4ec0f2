-- Extensions the schema depends on. PGlite loads them from the extensions passed to its
-- constructor; a server needs the pgvector image (see docker-compose.yml).
CREATE EXTENSION IF NOT EXISTS vector;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
