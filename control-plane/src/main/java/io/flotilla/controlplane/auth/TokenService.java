package io.flotilla.controlplane.auth;

import io.flotilla.controlplane.support.FleetException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Bearer tokens: created at random (32 bytes from {@link SecureRandom}), stored as their SHA-256.
 *
 * <p>A fast hash is enough here: slow password hashes (bcrypt, Argon2) exist to make guessing
 * low-entropy secrets expensive, and a 256-bit random token cannot be guessed however fast the hash
 * is, so a stolen table of hashes gives nothing away. A fast hash also lets every request be checked
 * with one map lookup, on the event loop, without blocking.
 *
 * <p>The active tokens are kept in memory by hash, reloaded after each change on this replica and
 * every {@code flotilla.auth.refresh} (15 s) so that changes made on other replicas take effect.
 */
@ApplicationScoped
public class TokenService {

    static final String PREFIX = "flt_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiTokenRepository tokens;
    private final Clock clock;
    private volatile Map<String, Principal> active = Map.of();
    /** Token id to when it was last presented, not yet written; flushed with each reload. */
    private final Map<String, Instant> usedSince = new ConcurrentHashMap<>();

    TokenService(ApiTokenRepository tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A token just created: {@code token} is shown this once and never stored. */
    public record Created(ApiToken stored, String token) {
    }

    /** The principal a presented token belongs to; empty when unknown or revoked. */
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        Optional<Principal> who = Optional.ofNullable(active.get(hash(token.trim())));
        who.ifPresent(p -> usedSince.put(p.tokenId(), clock.instant()));
        return who;
    }

    public Created create(String name, Role role) {
        String token = randomSecret(PREFIX);
        ApiToken t = new ApiToken();
        t.id = UUID.randomUUID().toString();
        t.name = name;
        t.role = role;
        t.tokenHash = hash(token);
        t.createdAt = Instant.now(clock);
        QuarkusTransaction.requiringNew().run(() -> tokens.persist(t));
        reload();
        return new Created(t, token);
    }

    @Transactional
    public List<ApiToken> list() {
        return tokens.ordered();
    }

    /** Revokes a token; the last active admin token cannot be revoked (nobody could manage access then). */
    public ApiToken revoke(String id) {
        ApiToken revoked = QuarkusTransaction.requiringNew().call(() -> {
            ApiToken t = tokens.findByIdOptional(id)
                    .orElseThrow(() -> new FleetException(FleetException.Kind.NOT_FOUND, "no token with id '" + id + "'"));
            if (t.revokedAt == null) {
                if (t.role == Role.ADMIN && tokens.activeAdmins() <= 1) {
                    throw new FleetException(FleetException.Kind.CONFLICT,
                            "'" + t.name + "' is the last active admin token; create another admin token first");
                }
                t.revokedAt = Instant.now(clock);
            }
            return t;
        });
        reload();
        return revoked;
    }

    boolean hasActiveAdmin() {
        return QuarkusTransaction.requiringNew().call(() -> tokens.activeAdmins() > 0);
    }

    @Scheduled(every = "${flotilla.auth.refresh:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reload() {
        writeLastUsed();
        active = QuarkusTransaction.requiringNew().call(() -> tokens.active().stream()
                .collect(Collectors.toUnmodifiableMap(t -> t.tokenHash, t -> new Principal(t.id, t.name, t.role),
                        (a, b) -> a)));
    }

    /** Writes the last-use times gathered since the previous reload, in one transaction. */
    private void writeLastUsed() {
        if (usedSince.isEmpty()) {
            return;
        }
        Map<String, Instant> batch = Map.copyOf(usedSince);
        QuarkusTransaction.requiringNew().run(() -> batch.forEach((id, at) -> tokens.findByIdOptional(id)
                .filter(t -> t.lastUsedAt == null || t.lastUsedAt.isBefore(at))
                .ifPresent(t -> t.lastUsedAt = at)));
        batch.forEach(usedSince::remove);
    }

    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code prefix} and 32 random bytes in base64url: a secret nobody can guess, so a fast hash suffices. */
    public static String randomSecret(String prefix) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
