package io.flotilla.controlplane.policy;

import io.flotilla.controlplane.support.JsonColumn;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Converter;
import org.hibernate.annotations.Immutable;

/** {@link PolicyPlacement#decision} as JSON. */
@ApplicationScoped
@Converter
@Immutable
public class DecisionColumn extends JsonColumn<StoredDecision> {

    public DecisionColumn() {
        super(StoredDecision.class, "placement decision");
    }
}
