-- When each token was last used, for the console's token page. Written in batches from memory (at most
-- every flotilla.auth.refresh per replica), never once per request.
ALTER TABLE api_token ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;
