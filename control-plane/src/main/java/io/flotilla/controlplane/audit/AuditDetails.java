package io.flotilla.controlplane.audit;

import jakarta.enterprise.context.RequestScoped;

/**
 * What a resource method knows about its call that the path does not say: the objects it changed (policy names,
 * a token's name) and the revisions or generations it produced. Read by {@link AuditFilter} when the call is answered.
 */
@RequestScoped
public class AuditDetails {

    private String target;
    private String revision;

    /** Names what the call changed, in place of the path's own target. */
    public void target(String target) {
        this.target = target;
    }

    /** The revision(s) or generation the call produced, e.g. {@code chat-eu@3}. */
    public void revision(String revision) {
        this.revision = revision;
    }

    String target() {
        return target;
    }

    String revision() {
        return revision;
    }
}
