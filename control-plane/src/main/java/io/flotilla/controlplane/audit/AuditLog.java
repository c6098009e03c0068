package io.flotilla.controlplane.audit;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The append-only audit log: {@link #append} and {@link #page}, nothing that changes or removes a record. Each record
 * is written in its own transaction, so a call that failed (and rolled back) is recorded all the same.
 */
@ApplicationScoped
public class AuditLog {

    public static final int MAX_PAGE = 500;

    private final EntityManager em;

    AuditLog(EntityManager em) {
        this.em = em;
    }

    void append(AuditRecord record) {
        QuarkusTransaction.requiringNew().run(() -> em.persist(record));
    }

    /** Filters of {@link #page}; empty ones match everything. {@code before} is a continue token: records older than that id. */
    public record Query(Optional<Instant> from, Optional<Instant> to, Optional<String> actor, Optional<String> target,
            Optional<Long> before, int limit) {
    }

    /** One page, newest first, and the continue token for the next (empty on the last page). */
    public record Page(List<AuditRecord> records, Optional<Long> next) {
    }

    public Page page(Query q) {
        int limit = Math.max(1, Math.min(q.limit(), MAX_PAGE));
        StringBuilder jpql = new StringBuilder("select a from AuditRecord a where 1 = 1");
        List<Object> params = new ArrayList<>();
        q.from().ifPresent(v -> add(jpql, params, " and a.at >= ?%d", v));
        q.to().ifPresent(v -> add(jpql, params, " and a.at < ?%d", v));
        q.actor().ifPresent(v -> add(jpql, params, " and a.actorName = ?%d", v));
        q.target().ifPresent(v -> add(jpql, params, " and lower(a.target) like ?%d escape '\\'",
                "%" + likeLiteral(v.toLowerCase(Locale.ROOT)) + "%"));
        q.before().ifPresent(v -> add(jpql, params, " and a.id < ?%d", v));
        jpql.append(" order by a.id desc");
        return QuarkusTransaction.requiringNew().call(() -> {
            TypedQuery<AuditRecord> query = em.createQuery(jpql.toString(), AuditRecord.class).setMaxResults(limit + 1);
            for (int i = 0; i < params.size(); i++) {
                query.setParameter(i + 1, params.get(i));
            }
            List<AuditRecord> found = query.getResultList();
            found.forEach(em::detach);
            if (found.size() <= limit) {
                return new Page(found, Optional.empty());
            }
            List<AuditRecord> page = found.subList(0, limit);
            return new Page(List.copyOf(page), Optional.of(page.get(limit - 1).id));
        });
    }

    /** Appends {@code clause} with its parameter's position in place of {@code %d}. */
    private static void add(StringBuilder jpql, List<Object> params, String clause, Object value) {
        params.add(value);
        jpql.append(clause.formatted(params.size()));
    }

    /** A search text that LIKE takes literally: its own %, _ and \ match only themselves. */
    private static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
