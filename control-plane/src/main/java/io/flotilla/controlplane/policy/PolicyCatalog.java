package io.flotilla.controlplane.policy;

import io.flotilla.policy.ImagePolicy;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.ParserLimits;
import io.flotilla.policy.PolicyParser;
import io.flotilla.policy.Sites;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The data policies are read against: jurisdiction groups and named sites (the built-in ones), and the
 * fleet's image policy from configuration.
 */
@ApplicationScoped
public class PolicyCatalog {

    @Produces
    @Singleton
    JurisdictionCatalog jurisdictions() {
        return JurisdictionCatalog.builtIn();
    }

    @Produces
    @Singleton
    Sites sites() {
        return Sites.builtIn();
    }

    @Produces
    @Singleton
    ImagePolicy imagePolicy(PolicyConfig config) {
        return new ImagePolicy(config.image().allowedRegistries().orElse(List.of()), config.image().requireDigest());
    }

    /** Without the image policy: it is applied to what enters the fleet, see {@link PolicyService}. */
    @Produces
    @Singleton
    PolicyParser parser(JurisdictionCatalog jurisdictions, Sites sites) {
        return new PolicyParser(jurisdictions, sites, ParserLimits.DEFAULT);
    }
}
