-- 0027 account change notices: what a request's credentials bring (a
-- session, its account's role, state and name, an API token, the count of
-- unread notifications) is announced with NOTIFY when its transaction
-- commits, whoever wrote it (an instance, the command line), as sheet rows
-- are (0006). Instances keep these lookups in memory only while they hear
-- these notices, and forget an account's the moment one names it.
-- The notice names the account ('user_id'); a TRUNCATE names none, which
-- means any account. An API token's last use (touched once a minute) is
-- left out: instances do not keep it.
CREATE FUNCTION atlas_account_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    column_name text := TG_ARGV[0];
    old_id bigint;
    new_id bigint;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify(atlas_channel(), json_build_object('kind', 'account')::text);
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_id := (to_jsonb(OLD) ->> column_name)::bigint;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        new_id := (to_jsonb(NEW) ->> column_name)::bigint;
    END IF;
    -- Identical notices of one transaction are delivered once: marking
    -- fifty notifications read tells one account once.
    IF old_id IS NOT NULL THEN
        PERFORM pg_notify(atlas_channel(), json_build_object('kind', 'account', 'user_id', old_id)::text);
    END IF;
    IF new_id IS NOT NULL AND new_id IS DISTINCT FROM old_id THEN
        PERFORM pg_notify(atlas_channel(), json_build_object('kind', 'account', 'user_id', new_id)::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_account_changed
    AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION atlas_account_changed('user_id');
CREATE TRIGGER users_account_changed
    AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION atlas_account_changed('id');
CREATE TRIGGER api_tokens_account_changed
    AFTER DELETE OR UPDATE OF user_id, token_hash ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION atlas_account_changed('user_id');
CREATE TRIGGER notifications_account_changed
    AFTER INSERT OR UPDATE OR DELETE ON notifications
    FOR EACH ROW EXECUTE FUNCTION atlas_account_changed('user_id');

CREATE TRIGGER sessions_truncated
    AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION atlas_account_changed('user_id');
CREATE TRIGGER users_truncated
    AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION atlas_account_changed('id');
CREATE TRIGGER api_tokens_truncated
    AFTER TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION atlas_account_changed('user_id');
CREATE TRIGGER notifications_truncated
    AFTER TRUNCATE ON notifications
    FOR EACH STATEMENT EXECUTE FUNCTION atlas_account_changed('user_id');
