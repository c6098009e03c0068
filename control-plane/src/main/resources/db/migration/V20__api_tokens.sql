-- API bearer tokens. Only the SHA-256 of each token is kept: the token itself is shown once, when it
-- is created. Revoked tokens stay listed (revoked_at set) so that the audit trail keeps their names.
CREATE TABLE api_token (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(100) NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    token_hash  VARCHAR(64)  NOT NULL UNIQUE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE
);
