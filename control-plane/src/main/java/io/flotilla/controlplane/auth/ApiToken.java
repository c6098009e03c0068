package io.flotilla.controlplane.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A bearer token as stored: its SHA-256 only, never the token. */
@Entity
@Table(name = "api_token")
public class ApiToken {

    @Id
    public String id;

    public String name;

    @Enumerated(EnumType.STRING)
    public Role role;

    @Column(name = "token_hash")
    public String tokenHash;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;
}
