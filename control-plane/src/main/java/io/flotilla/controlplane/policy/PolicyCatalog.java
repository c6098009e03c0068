package io.flotilla.controlplane.policy;

import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.ParserLimits;
import io.flotilla.policy.PolicyParser;
import io.flotilla.policy.Sites;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The data policies are read against: jurisdiction groups and named sites (the built-in ones). */
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
    PolicyParser parser(JurisdictionCatalog jurisdictions, Sites sites) {
        return new PolicyParser(jurisdictions, sites, ParserLimits.DEFAULT);
    }
}
