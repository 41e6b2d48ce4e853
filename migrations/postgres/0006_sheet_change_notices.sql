-- 0006 sheet change notices: every change to a sheet row (a new head, a
-- validation, a cache version bump) is announced with NOTIFY when its
-- transaction commits, whoever wrote it (an instance, the command line).
-- Instances keep recently read sheet rows in memory only while they hear
-- these notices, and forget a row the moment it changes.
CREATE FUNCTION atlas_channel() RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT left('atlas_events:' || current_schema(), 63) $$;

CREATE FUNCTION atlas_sheet_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify(atlas_channel(), json_build_object('kind', 'changed', 'sheet_id', NEW.id)::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER sheets_changed
    AFTER UPDATE ON sheets
    FOR EACH ROW EXECUTE FUNCTION atlas_sheet_changed();
