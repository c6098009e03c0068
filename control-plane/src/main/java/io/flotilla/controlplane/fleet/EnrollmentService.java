package io.flotilla.controlplane.fleet;

import io.flotilla.controlplane.auth.TokenService;
import io.flotilla.controlplane.broker.BrokerConfig;
import io.flotilla.controlplane.dispatch.ProtocolKeys;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Site;
import io.flotilla.policy.Sites;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Enrolling a cluster registers it at once, so it appears in the fleet (health "unknown") before its agent
 * first connects, and creates the agent's broker credential: random, shown once in the answer, stored as its
 * SHA-256 only. Revoking keeps the record (for the audit trail) and the cluster; see docs/console.md.
 */
@ApplicationScoped
public class EnrollmentService {

    static final String TEMPLATE = "/io/flotilla/controlplane/fleet/flotilla-agent.yaml";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FleetService fleet;
    private final ClusterRepository clusters;
    private final ClusterEnrollmentRepository enrollments;
    private final JurisdictionCatalog jurisdictions;
    private final Sites sites;
    private final ProtocolKeys keys;
    private final String brokerUrl;
    private final Clock clock;
    private final String template;

    EnrollmentService(FleetService fleet, ClusterRepository clusters, ClusterEnrollmentRepository enrollments,
            JurisdictionCatalog jurisdictions, Sites sites, ProtocolKeys keys, EnrollmentConfig config, BrokerConfig broker,
            Clock clock) {
        this.fleet = fleet;
        this.clusters = clusters;
        this.enrollments = enrollments;
        this.jurisdictions = jurisdictions;
        this.sites = sites;
        this.keys = keys;
        this.brokerUrl = config.agentBrokerUrl().orElse("tcp://" + broker.host() + ":" + broker.port());
        this.clock = clock;
        this.template = readTemplate();
    }

    /** @param site a known site name, instead of latitude and longitude */
    public record Request(String clusterId, String jurisdiction, String site, Double latitude, Double longitude,
            Map<String, String> labels, ClusterCapacity capacity) {
    }

    /** An enrollment with its cluster as it is now. */
    public record Listed(ClusterEnrollment enrollment, Cluster cluster) {
    }

    /** Just created: {@code credential} and the snippet that carries it are shown this once. */
    public record Enrolled(Listed listed, String credential, AgentInstallSnippet.Snippet snippet) {
    }

    @Transactional
    public Enrolled enroll(Request r, String createdBy) {
        String jurisdiction = r.jurisdiction().trim();
        if (jurisdictions.group(jurisdiction).isPresent()) {
            throw new FleetException(FleetException.Kind.INVALID, "jurisdiction '" + jurisdiction
                    + "' is a group; a cluster is in one country or subdivision, e.g. DE or IN-MH");
        }
        jurisdictions.problem(jurisdiction).ifPresent(p -> {
            throw new FleetException(FleetException.Kind.INVALID, p);
        });
        double[] location = location(r);
        Cluster cluster = fleet.register(new FleetService.Registration(r.clusterId(), jurisdiction, location[0],
                location[1], r.labels(), r.capacity(), null));
        String credential = TokenService.randomSecret("flc_");
        ClusterEnrollment e = new ClusterEnrollment();
        e.id = UUID.randomUUID().toString();
        e.clusterId = cluster.id;
        e.credentialHash = TokenService.hash(credential);
        e.createdBy = createdBy;
        e.createdAt = clock.instant();
        enrollments.persist(e);
        var snippet = AgentInstallSnippet.render(template, new AgentInstallSnippet.Settings(cluster.id, brokerUrl,
                credential, keys.verificationKey().toBase64()), RANDOM);
        return new Enrolled(new Listed(e, cluster), credential, snippet);
    }

    @Transactional
    public List<Listed> list() {
        Map<String, Cluster> byId = clusters.listAll().stream().collect(Collectors.toMap(c -> c.id, Function.identity()));
        return enrollments.ordered().stream().map(e -> new Listed(e, byId.get(e.clusterId))).toList();
    }

    /** Marks the enrollment revoked (again is a no-op); 404 when unknown. */
    @Transactional
    public Listed revoke(String id) {
        ClusterEnrollment e = enrollments.findByIdOptional(id)
                .orElseThrow(() -> new FleetException(FleetException.Kind.NOT_FOUND, "no enrollment with id '" + id + "'"));
        if (e.revokedAt == null) {
            e.revokedAt = clock.instant();
        }
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
