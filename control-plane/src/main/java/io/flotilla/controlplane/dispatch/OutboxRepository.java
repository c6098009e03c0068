package io.flotilla.controlplane.dispatch;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxEntry, String> {

    public List<OutboxEntry> pending(int limit) {
        return find("publishedAt is null order by createdAt, clusterId").page(Page.ofSize(limit)).list();
    }

    /** Marks a publication done unless a newer generation replaced the entry meanwhile. */
    public int markPublished(String clusterId, long generation, Instant at) {
        return update("publishedAt = ?1 where clusterId = ?2 and generation = ?3 and publishedAt is null",
                at, clusterId, generation);
    }

    public int markAttempted(String clusterId, long generation) {
        return update("attempts = attempts + 1 where clusterId = ?1 and generation = ?2", clusterId, generation);
    }

    /** After a restart of a non-durable broker the retained messages are gone: publish everything again. */
    public int markAllUnpublished() {
        return update("publishedAt = null where publishedAt is not null");
    }
}
