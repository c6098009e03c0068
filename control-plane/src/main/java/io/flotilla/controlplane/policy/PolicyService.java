package io.flotilla.controlplane.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.controlplane.fleet.ClusterWorkloadRepository;
import io.flotilla.controlplane.fleet.FleetSnapshots;
import io.flotilla.controlplane.rollout.RolloutService;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.placement.FleetSnapshot;
import io.flotilla.policy.CanonicalPolicy;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.ImagePolicy;
import io.flotilla.policy.PolicyDiff;
import io.flotilla.policy.PolicyParser;
import io.flotilla.policy.PolicySet;
import io.flotilla.policy.PolicySource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stores policy revisions and keeps placement in step with them. Every change (apply, delete, a fleet
 * change) re-places all current policies in one transaction, under the placement lock.
 */
@ApplicationScoped
public class PolicyService {

    /** The names of the policies of an apply, on its span. */
    private static final AttributeKey<List<String>> POLICIES = AttributeKey.stringArrayKey("flotilla.policies");

    public enum Action { CREATED, UPDATED, UNCHANGED }

    /** @param placement where the policy is (or, in a dry run, would be) placed */
    public record Applied(String name, Action action, long revision, String diff, StoredDecision placement) {
    }

    public record CurrentPolicy(String name, long revision, String yaml, Instant updatedAt, FleetPolicy policy,
            Optional<StoredDecision> placement) {
    }

    public record RevisionEntry(long revision, Instant createdAt, String appliedBy, String yaml, String diff) {
    }

    /**
     * What the router is built from.
     *
     * @param revisions each policy's current revision, by name: routing receipts name it
     */
    public record RoutingInputs(FleetSnapshot snapshot, List<FleetPolicy> policies, Map<String, Long> revisions) {
    }

    private final PolicyRevisionRepository revisions;
    private final PolicyPlacementRepository placements;
    private final ClusterWorkloadRepository workloads;
    private final PolicyPlacer placer;
    private final FleetSnapshots snapshots;
    /** Reads stored revisions: they were valid when applied, and stay readable when the image policy tightens. */
    private final PolicyParser parser;
    /** Reads what enters the fleet (applied sets, undone revisions), refusing images the fleet does not allow. */
    private final PolicyParser incoming;
    private final ObjectMapper json;
    private final Clock clock;
    private final Event<PoliciesChanged> changed;
    private final RolloutService rollouts;
    /** Stored revisions never change, so their parsed form is cached by name and revision. */
    private final Map<PolicyRevision.Key, FleetPolicy> parsed = new ConcurrentHashMap<>();

    PolicyService(PolicyRevisionRepository revisions, PolicyPlacementRepository placements,
            ClusterWorkloadRepository workloads, PolicyPlacer placer, FleetSnapshots snapshots, PolicyParser parser,
            ImagePolicy imagePolicy, ObjectMapper json, Clock clock, Event<PoliciesChanged> changed,
            RolloutService rollouts) {
        this.rollouts = rollouts;
        this.revisions = revisions;
        this.placements = placements;
        this.workloads = workloads;
        this.placer = placer;
        this.snapshots = snapshots;
        this.parser = parser;
        this.incoming = parser.withImagePolicy(imagePolicy);
        this.json = json;
        this.clock = clock;
        this.changed = changed;
    }

    /**
     * Reads a request body as a policy set. YAML may hold several documents; a JSON body may be one policy or
     * an array of them (each element is then reported as {@code source[i]}, pretty-printed).
     */
    public PolicySet parse(String source, String body, boolean isJson) {
        List<PolicySource> sources = List.of(new PolicySource(source, body));
        if (isJson && body.stripLeading().startsWith("[")) {
            try {
                JsonNode array = json.readTree(body);
                var elements = new ArrayList<PolicySource>();
                for (int i = 0; i < array.size(); i++) {
                    elements.add(new PolicySource(source + "[" + i + "]", json.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(array.get(i))));
                }
                sources = elements;
            } catch (JsonProcessingException e) {
                // malformed: the YAML parser reports it with line and column
            }
        }
        return incoming.parse(sources).requiringAPolicy(source, PolicySet.NO_POLICY_IN_BODY);
    }

    /**
     * Stores what changed and re-places every policy; with {@code dryRun}, answers the same and stores nothing.
     *
     * @param appliedBy the name of the API token on whose behalf the revisions are stored
     */
    @WithSpan("flotilla.policy.apply") // around the transaction: its commit is in the span
    @Transactional
    public List<Applied> apply(PolicySet set, @SpanAttribute("flotilla.policy.source") String source,
            @SpanAttribute("flotilla.dry_run") boolean dryRun, String appliedBy) {
        Span.current().setAttribute(POLICIES, set.policies().stream().map(FleetPolicy::name).toList());
        if (!set.isValid()) {
            throw new InvalidPolicySetException(set.errors());
        }
        if (!dryRun) {
            placements.lockPlacement();
        }
        Map<String, FleetPolicy> policies = new LinkedHashMap<>();
        Map<String, Long> revisionOf = new HashMap<>();
        Map<String, PolicyRevision> current = new HashMap<>();
        for (PolicyRevision r : revisions.current()) {
            current.put(r.name(), r);
            policies.put(r.name(), policyOf(r));
            revisionOf.put(r.name(), r.revision());
        }
        Instant now = clock.instant();
        var outcomes = new ArrayList<Applied>();
        for (FleetPolicy p : set.policies()) {
            String yaml = CanonicalPolicy.toYaml(p);
            PolicyRevision before = current.get(p.name());
            if (before != null && before.yaml.equals(yaml)) {
                outcomes.add(new Applied(p.name(), Action.UNCHANGED, before.revision(), "", null));
                continue;
            }
            long revision = revisions.lastNumber(p.name()) + 1;
            String diff = PolicyDiff.diff(before == null ? p.name() + " (none)" : p.name() + " revision " + before.revision(),
                    before == null ? "" : before.yaml, p.name() + " revision " + revision, yaml);
            if (!dryRun) {
                PolicyRevision r = new PolicyRevision();
                r.key = new PolicyRevision.Key(p.name(), revision);
                r.yaml = yaml;
                r.source = source;
                r.appliedBy = appliedBy;
                r.createdAt = now;
                revisions.persist(r);
                parsed.put(r.key, p);
            }
            policies.put(p.name(), p);
            revisionOf.put(p.name(), revision);
            outcomes.add(new Applied(p.name(), before == null ? Action.CREATED : Action.UPDATED, revision, diff, null));
        }
        PolicyPlacer.Plan plan = placer.plan(policies.values());
        if (!dryRun) {
            for (Applied a : outcomes) {
                if (a.action() != Action.UNCHANGED) {
                    List<String> updated = plan.changes().stream().filter(c -> c.replaced().contains(a.name()))
                            .map(PolicyPlacer.ClusterChange::clusterId).toList();
                    PolicyRevision before = current.get(a.name());
                    rollouts.start(policies.get(a.name()), a.revision(), before == null ? 0 : before.revision(), updated);
                }
            }
            placer.commit(plan, revisionOf);
            rollouts.recordTargets();
            changed.fire(new PoliciesChanged());
        }
        return outcomes.stream().map(a -> new Applied(a.name(), a.action(), a.revision(), a.diff(),
                plan.decisions().get(a.name()))).toList();
    }

    /** Deletes the policy; the clusters it ran on get a new generation without its workload. */
    @Transactional
    public void delete(String name) {
        placements.lockPlacement();
        if (revisions.current(name).isEmpty()) {
            throw unknown(name);
        }
        revisions.markDeleted(name);
        revisions.flush();
        replaceLocked();
    }

    /** Places all current policies again, for a changed fleet. */
    @Transactional
    public void replace() {
        placements.lockPlacement();
        replaceLocked();
    }

    private void replaceLocked() {
        Map<String, FleetPolicy> policies = new LinkedHashMap<>();
        Map<String, Long> revisionOf = new HashMap<>();
        for (PolicyRevision r : revisions.current()) {
            policies.put(r.name(), policyOf(r));
            revisionOf.put(r.name(), r.revision());
        }
        if (policies.isEmpty() && placements.count() == 0 && workloads.placedByPolicies().isEmpty()) {
            return;
        }
        rollouts.supersedeAllBut(revisionOf);
        placer.commit(placer.plan(policies.values()), revisionOf);
        rollouts.recordTargets();
        changed.fire(new PoliciesChanged());
    }

    /** Moves running rollouts on; when one releases a wave, placement runs to hand that wave the change. */
    @Transactional
    public void advanceRollouts() {
        placements.lockPlacement();
        RolloutService.Advance advance = rollouts.advance();
        if (advance.released()) {
            replaceLocked(); // fires PoliciesChanged
        } else if (advance.moved()) {
            changed.fire(new PoliciesChanged());
        }
    }

    /** Applies the revision before the current one again, as a new revision that rolls out like any change. */
    @Transactional
    public Applied undo(String name, String appliedBy) {
        List<PolicyRevision> all = revisions.history(name);
        PolicyRevision current = revisions.current(name).orElseThrow(() -> unknown(name));
        PolicyRevision previous = all.stream().filter(r -> r.revision() < current.revision())
                .reduce((a, b) -> b).orElseThrow(() -> new FleetException(FleetException.Kind.CONFLICT,
                        "policy '" + name + "' has no revision before " + current.revision() + " to go back to"));
        String source = "undo of revision " + current.revision();
        PolicySet set = incoming.parse(source, previous.yaml);
        return apply(set, source, false, appliedBy).get(0);
    }

    @Transactional
    public List<CurrentPolicy> list() {
        return revisions.current().stream().map(this::currentOf).toList();
    }

    @Transactional
    public CurrentPolicy get(String name) {
        return revisions.current(name).map(this::currentOf).orElseThrow(() -> unknown(name));
    }

    /** The policy's revisions, oldest first, each with its diff against the one before. */
    @Transactional
    public List<RevisionEntry> history(String name) {
        List<PolicyRevision> all = revisions.history(name);
        if (all.isEmpty()) {
            throw unknown(name);
        }
        var entries = new ArrayList<RevisionEntry>();
        PolicyRevision previous = null;
        for (PolicyRevision r : all) {
            String diff = PolicyDiff.diff(previous == null ? name + " (none)" : name + " revision " + previous.revision(),
                    previous == null ? "" : previous.yaml, name + " revision " + r.revision(), r.yaml);
            entries.add(new RevisionEntry(r.revision(), r.createdAt, r.appliedBy, r.yaml, diff));
            previous = r;
        }
        return entries;
    }

    @Transactional
    public RevisionEntry revision(String name, long revision) {
        return history(name).stream().filter(e -> e.revision() == revision).findFirst()
                .orElseThrow(() -> new FleetException(FleetException.Kind.NOT_FOUND,
                        "policy '" + name + "' has no revision " + revision));
    }

    @Transactional
    public RoutingInputs routingInputs() {
        List<PolicyRevision> current = revisions.current();
        List<FleetPolicy> policies = current.stream().map(this::policyOf).toList();
        Map<String, String> aliases = new HashMap<>();
        policies.forEach(p -> aliases.put(p.name(), p.spec().routing().alias()));
        Map<String, Long> numbers = new HashMap<>();
        current.forEach(r -> numbers.put(r.name(), r.revision()));
        return new RoutingInputs(snapshots.take(Map.of(), aliases).snapshot(), policies, Map.copyOf(numbers));
    }

    private CurrentPolicy currentOf(PolicyRevision r) {
        Optional<StoredDecision> placement = Optional.ofNullable(placements.findById(r.name()))
                .map(p -> p.decision);
        return new CurrentPolicy(r.name(), r.revision(), r.yaml, r.createdAt, policyOf(r), placement);
    }

    private FleetPolicy policyOf(PolicyRevision r) {
        return parsed.computeIfAbsent(r.key, k -> {
            PolicySet set = parser.parse(r.name() + " revision " + r.revision(), r.yaml);
            if (!set.isValid() || set.policies().size() != 1) {
                throw new IllegalStateException("stored policy " + r.name() + " revision " + r.revision()
                        + " no longer parses:\n" + set.formatErrors());
            }
            return set.policies().get(0);
        });
    }

    private static FleetException unknown(String name) {
        return new FleetException(FleetException.Kind.NOT_FOUND, "policy '" + name + "' does not exist");
    }
}
