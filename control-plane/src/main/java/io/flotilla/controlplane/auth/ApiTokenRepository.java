package io.flotilla.controlplane.auth;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class ApiTokenRepository implements PanacheRepositoryBase<ApiToken, String> {

    public List<ApiToken> active() {
        return list("revokedAt is null order by createdAt");
    }

    public List<ApiToken> ordered() {
        return list("order by createdAt, id");
    }

    public long activeAdmins() {
        return count("revokedAt is null and role = ?1", Role.ADMIN);
    }
}
