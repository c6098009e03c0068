package io.flotilla.controlplane.fleet;

import io.flotilla.controlplane.broker.BrokerConfig;
import io.flotilla.controlplane.identity.ClusterEnrollment;
import io.flotilla.controlplane.identity.ClusterEnrollmentRepository;
import io.flotilla.controlplane.identity.IdentityService;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Site;
import io.flotilla.policy.Sites;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Enrolling a cluster registers it (unless it is registered already: then it is enrolled again, e.g. for a rebuilt
 * agent) and issues a one-time bootstrap token bound to it, which its agent exchanges for its own identity on its
 * first start ({@link IdentityService#exchange}). The token is shown once, in the answer and its install snippet.
 * Revoking keeps the record (for the audit trail) and the cluster; see docs/security.md.
 */
@ApplicationScoped
public class EnrollmentService {

    static final String TEMPLATE = "/io/flotilla/controlplane/fleet/flotilla-agent.yaml";

    private final FleetService fleet;
    private final ClusterRepository clusters;
    private final ClusterEnrollmentRepository enrollments;
    private final IdentityService identities;
    private final JurisdictionCatalog jurisdictions;
    private final Sites sites;
    private final EnrollmentConfig config;
    private final String controlPlaneUser;
    private final String template;

    EnrollmentService(FleetService fleet, ClusterRepository clusters, ClusterEnrollmentRepository enrollments,
            IdentityService identities, JurisdictionCatalog jurisdictions, Sites sites, EnrollmentConfig config,
            BrokerConfig broker) {
        this.fleet = fleet;
        this.clusters = clusters;
        this.enrollments = enrollments;
        this.identities = identities;
        this.jurisdictions = jurisdictions;
        this.sites = sites;
        this.config = config;
        this.controlPlaneUser = broker.username();
        this.template = readTemplate();
    }

    /**
     * @param site a known site name, instead of latitude and longitude
     * @param jurisdiction required for a new cluster; absent (with the location, labels and capacity) to enroll a
     *     registered one again
     */
    public record Request(String clusterId, String jurisdiction, String site, Double latitude, Double longitude,
            Map<String, String> labels, ClusterCapacity capacity) {

        boolean describesCluster() {
            return jurisdiction != null || site != null || latitude != null || longitude != null
                    || labels != null && !labels.isEmpty() || capacity != null;
        }
    }

    /** An enrollment with its cluster as it is now. */
    public record Listed(ClusterEnrollment enrollment, Cluster cluster) {
    }

    /** Just created: {@code bootstrapToken} and the snippet that carries it are shown this once. */
    public record Enrolled(Listed listed, String bootstrapToken, AgentInstallSnippet.Snippet snippet) {
    }

    @Transactional
    public Enrolled enroll(Request r, String createdBy) {
        if (r.clusterId().equals(controlPlaneUser)) {
            throw new FleetException(FleetException.Kind.INVALID, "'" + r.clusterId()
                    + "' is the control plane's own broker user name; choose another cluster id");
        }
        Cluster cluster = clusters.findByIdOptional(r.clusterId()).orElse(null);
        if (cluster == null) {
            cluster = register(r);
        } else if (r.describesCluster()) {
            throw new FleetException(FleetException.Kind.CONFLICT, "cluster '" + r.clusterId() + "' is already "
                    + "registered; to enroll it again (e.g. for a rebuilt agent) send its clusterId only");
        }
        IdentityService.Issued issued = identities.issue(cluster.id, createdBy, config.tokenValidity());
        var snippet = AgentInstallSnippet.render(template, new AgentInstallSnippet.Settings(cluster.id,
                config.controlPlaneUrl(), issued.bootstrapToken()));
        return new Enrolled(new Listed(issued.enrollment(), cluster), issued.bootstrapToken(), snippet);
    }

    private Cluster register(Request r) {
        if (r.jurisdiction() == null || r.jurisdiction().isBlank()) {
            throw new FleetException(FleetException.Kind.INVALID,
                    "jurisdiction is required to enroll a new cluster (an ISO 3166 code such as DE or IN-MH)");
        }
        String jurisdiction = r.jurisdiction().trim();
        if (jurisdictions.group(jurisdiction).isPresent()) {
            throw new FleetException(FleetException.Kind.INVALID, "jurisdiction '" + jurisdiction
                    + "' is a group; a cluster is in one country or subdivision, e.g. DE or IN-MH");
        }
        jurisdictions.problem(jurisdiction).ifPresent(p -> {
            throw new FleetException(FleetException.Kind.INVALID, p);
        });
        double[] location = location(r);
        return fleet.register(new FleetService.Registration(r.clusterId(), jurisdiction, location[0], location[1],
                r.labels(), r.capacity(), null));
    }

    @Transactional
    public List<Listed> list() {
        Map<String, Cluster> byId = clusters.listAll().stream().collect(Collectors.toMap(c -> c.id, Function.identity()));
        return enrollments.ordered().stream().map(e -> new Listed(e, byId.get(e.clusterId))).toList();
    }

    /** Revokes the enrollment (again is a no-op): its agent is disconnected and refused; 404 when unknown. */
    @Transactional
    public Listed revoke(String id) {
        ClusterEnrollment e = identities.revoke(id)
                .orElseThrow(() -> new FleetException(FleetException.Kind.NOT_FOUND, "no enrollment with id '" + id + "'"));
        return new Listed(e, clusters.findById(e.clusterId));
    }

    private double[] location(Request r) {
        boolean coordinates = r.latitude() != null || r.longitude() != null;
        if (r.site() != null && !r.site().isBlank()) {
            if (coordinates) {
                throw new FleetException(FleetException.Kind.INVALID, "give either site or latitude and longitude, not both");
            }
            Optional<Site> site = sites.find(r.site().trim());
            Site s = site.orElseThrow(() -> new FleetException(FleetException.Kind.INVALID, "unknown site '" + r.site()
                    + "'; known sites: " + String.join(", ", sites.names().stream().sorted().toList())));
            return new double[] {s.location().lat(), s.location().lon()};
        }
        if (r.latitude() == null || r.longitude() == null) {
            throw new FleetException(FleetException.Kind.INVALID,
                    "location is required: a site (e.g. frankfurt) or both latitude and longitude");
        }
        return new double[] {r.latitude(), r.longitude()};
    }

    private static String readTemplate() {
        try (InputStream in = EnrollmentService.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("the agent manifest " + TEMPLATE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
