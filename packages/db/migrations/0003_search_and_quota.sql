-- A trusted extension: a database owner without superuser may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
ALTER TABLE "task" ADD COLUMN "search_words" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', "task"."title" || ' ' || COALESCE("task"."description", ''))) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "task_search_text_idx" ON "task" USING gin (("title" || ' ' || COALESCE("description", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "task_search_words_idx" ON "task" USING gin ("search_words");--> statement-breakpoint
-- The per-user task quota (TASKS_PER_USER_MAX in packages/contract). Concurrent inserts may
-- pass it by a few: it bounds what one account can store; it is not a counter.
CREATE FUNCTION task_quota() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT count(*) FROM (SELECT FROM task WHERE user_id = NEW.user_id LIMIT 10000) AS owned) >= 10000 THEN
		RAISE EXCEPTION 'task quota reached' USING ERRCODE = 'check_violation', CONSTRAINT = 'task_quota';
	END IF;
	RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER task_quota BEFORE INSERT ON task FOR EACH ROW EXECUTE FUNCTION task_quota();
