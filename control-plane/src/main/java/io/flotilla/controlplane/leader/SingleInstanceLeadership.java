package io.flotilla.controlplane.leader;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** The embedded default runs one replica, which is always the leader. */
@ApplicationScoped
@DefaultBean
public class SingleInstanceLeadership implements Leadership {

    @Override
    public boolean isLeader() {
        return true;
    }
}
