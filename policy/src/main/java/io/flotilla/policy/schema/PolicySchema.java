package io.flotilla.policy.schema;

import static io.flotilla.policy.schema.Field.defaultFrom;
import static io.flotilla.policy.schema.Field.emptyByDefault;
import static io.flotilla.policy.schema.Field.optional;
import static io.flotilla.policy.schema.Field.required;
import static io.flotilla.policy.schema.Field.withDefault;

import io.flotilla.policy.ClusterSelector;
import io.flotilla.policy.DemandPoint;
import io.flotilla.policy.EnvVar;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.IntOrPercent;
import io.flotilla.policy.LabelRequirement;
import io.flotilla.policy.ModelCache;
import io.flotilla.policy.Placement;
import io.flotilla.policy.PolicyMetadata;
import io.flotilla.policy.PolicySpec;
import io.flotilla.policy.Resources;
import io.flotilla.policy.Rollout;
import io.flotilla.policy.Routing;
import io.flotilla.policy.Runtime;
import io.flotilla.policy.SecretKeyRef;
import io.flotilla.policy.SelectorOperator;
import io.flotilla.policy.TaintEffect;
import io.flotilla.policy.Toleration;
import io.flotilla.policy.TolerationOperator;
import io.flotilla.policy.Workload;
import io.flotilla.policy.schema.Shape.BooleanShape;
import io.flotilla.policy.schema.Shape.ConstShape;
import io.flotilla.policy.schema.Shape.EnumShape;
import io.flotilla.policy.schema.Shape.EnvShape;
import io.flotilla.policy.schema.Shape.IntOrPercentShape;
import io.flotilla.policy.schema.Shape.IntegerShape;
import io.flotilla.policy.schema.Shape.JurisdictionShape;
import io.flotilla.policy.schema.Shape.ListShape;
import io.flotilla.policy.schema.Shape.MapShape;
import io.flotilla.policy.schema.Shape.NumberShape;
import io.flotilla.policy.schema.Shape.ObjectShape;
import io.flotilla.policy.schema.Shape.QuantityKind;
import io.flotilla.policy.schema.Shape.QuantityShape;
import io.flotilla.policy.schema.Shape.SiteShape;
import io.flotilla.policy.schema.Shape.StringShape;
import java.util.List;

/** The fields of a FleetPolicy, in the order canonical YAML writes them. */
public final class PolicySchema {
    private PolicySchema() {
    }

    /** A Kubernetes label key: an optional DNS-subdomain prefix and '/', then a name; at most {@link #LABEL_KEY_MAX} long. */
    public static final String LABEL_KEY_REGEX =
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
    public static final int LABEL_KEY_MAX = 317;
    /** A Kubernetes label value, at most {@link #LABEL_VALUE_MAX} long. */
    public static final String LABEL_VALUE_REGEX = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
    public static final int LABEL_VALUE_MAX = 63;
    static final StringShape LABEL_KEY = StringShape.matching(LABEL_KEY_REGEX,
            "a label key such as 'region' or 'topology.kubernetes.io/zone'", LABEL_KEY_MAX);
    static final StringShape LABEL_VALUE = StringShape.matching(LABEL_VALUE_REGEX,
            "a label value (letters, digits, '-', '_', '.', at most 63)", LABEL_VALUE_MAX);
    static final MapShape LABELS = new MapShape(LABEL_KEY, LABEL_VALUE);

    public static final ObjectShape TOLERATION = new ObjectShape("Toleration", Toleration.class,
            "Lets the workload run on clusters whose taint matches (Kubernetes semantics).", List.of(
            optional("key", LABEL_KEY, "Taint key to tolerate; leave out with operator Exists to tolerate every taint."),
            withDefault("operator", new EnumShape(TolerationOperator.class), TolerationOperator.EQUAL, "Equal compares the value; Exists matches any value."),
            optional("value", LABEL_VALUE, "Taint value, for operator Equal."),
            optional("effect", new EnumShape(TaintEffect.class), "Taint effect to tolerate; leave out to tolerate every effect.")));

    public static final ObjectShape RESOURCES = new ObjectShape("Resources", Resources.class,
            "What one replica needs.", List.of(
            required("gpu", IntegerShape.atLeast(0), "GPUs per replica, all of one model."),
            withDefault("gpuMemoryGiB", IntegerShape.atLeast(0), 0, "Memory each of those GPUs must have, in GiB; 0 means any."),
            optional("gpuModel", StringShape.matching("[A-Za-z0-9][A-Za-z0-9._-]*", "a GPU model name such as A100 or L4", 63),
                    "GPU model required, as clusters report it (A100, H100, L4); leave out for any."),
            required("cpu", new QuantityShape(QuantityKind.CPU), "CPU per replica: \"4\", \"0.5\" or \"500m\"."),
            required("memory", new QuantityShape(QuantityKind.MEMORY), "Memory per replica: \"16Gi\", \"512Mi\", \"1G\".")));

    public static final ObjectShape MODEL_CACHE = new ObjectShape("ModelCache", ModelCache.class,
            "A persistent volume for downloaded model weights, so a restarted server does not fetch them again.", List.of(
            required("size", new QuantityShape(QuantityKind.MEMORY), "Capacity of the volume claim: \"100Gi\", \"500G\"."),
            optional("storageClass", StringShape.matching("[a-z0-9]([-a-z0-9.]*[a-z0-9])?", "a StorageClass name such as local-path", 253),
                    "StorageClass of the claim; leave out for the cluster's default."),
            withDefault("mountPath", StringShape.matching("/\\S*", "an absolute path", 1024), "/root/.cache/huggingface",
                    "Where the model server sees the volume (vLLM's Hugging Face cache by default).")));

    static final StringShape ENV_NAME = StringShape.matching("[A-Za-z_][A-Za-z0-9_]*", "an environment variable name", 256);

    public static final ObjectShape SECRET_KEY_REF = new ObjectShape("SecretKeyRef", SecretKeyRef.class,
            "One key of a Secret that the edge cluster's operator created in the workload's namespace.", List.of(
            required("name", StringShape.matching("[a-z0-9]([-a-z0-9.]*[a-z0-9])?", "a Secret name (DNS-1123 subdomain)", 253),
                    "Name of the Secret."),
            required("key", StringShape.matching("[-._a-zA-Z0-9]+", "a Secret key of letters, digits, '-', '_' and '.'", 253),
                    "Key within the Secret whose value becomes the variable's.")));

    public static final ObjectShape ENV_VAR = new ObjectShape("EnvVar", EnvVar.class,
            "One environment variable: a plain value, or a reference to a Secret on the edge cluster.", List.of(
            required("name", ENV_NAME, "Variable name."),
            optional("value", StringShape.any(), "Plain value, stored and sent as written; not for credentials."),
            optional("secretKeyRef", SECRET_KEY_REF,
                    "Take the value from a Secret in the workload's namespace; only this reference leaves the file.")));

    public static final ObjectShape WORKLOAD = new ObjectShape("Workload", Workload.class,
            "The inference server to run on each chosen cluster.", List.of(
            required("model", StringShape.matching("\\S+", "a model id without spaces", 256), "Model to serve, e.g. meta-llama/Llama-3.1-8B-Instruct."),
            withDefault("runtime", new EnumShape(Runtime.class), Runtime.VLLM, "Inference server software."),
            required("image", StringShape.matching("\\S+", "a container image reference without spaces", 512), "Container image, e.g. vllm/vllm-openai:v0.8.5."),
            withDefault("port", new IntegerShape(1, 65535), 8000, "Port the server listens on."),
            emptyByDefault("args", new ListShape(StringShape.any(), 0), "Extra command-line arguments."),
            emptyByDefault("env", new EnvShape(ENV_VAR, ENV_NAME),
                    "Environment variables: a list of {name, value} or {name, secretKeyRef}, or a mapping of names to plain values."),
            required("resources", RESOURCES, "What one replica needs."),
            withDefault("healthPath", StringShape.matching("/\\S*", "an HTTP path starting with '/'", 256), "/health", "HTTP path of the readiness probe."),
            emptyByDefault("nodeSelector", LABELS, "Node labels inside the chosen clusters (Kubernetes nodeSelector)."),
            emptyByDefault("tolerations", new ListShape(TOLERATION, 0), "Cluster taints this workload tolerates."),
            optional("modelCache", MODEL_CACHE, "A persistent volume for model weights; leave out for none.")));

    public static final ObjectShape LABEL_REQUIREMENT = new ObjectShape("LabelRequirement", LabelRequirement.class,
            "One term of a label selector.", List.of(
            required("key", LABEL_KEY, "Cluster label key."),
            required("operator", new EnumShape(SelectorOperator.class), "In and NotIn need values; Exists and DoesNotExist take none."),
            emptyByDefault("values", new ListShape(LABEL_VALUE, 0), "Label values.")));

    public static final ObjectShape CLUSTER_SELECTOR = new ObjectShape("ClusterSelector", ClusterSelector.class,
            "Which clusters qualify, by their labels; empty selects every cluster.", List.of(
            emptyByDefault("matchLabels", LABELS, "Labels a cluster must have, with these values."),
            emptyByDefault("matchExpressions", new ListShape(LABEL_REQUIREMENT, 0), "Further requirements, all of which must hold.")));

    public static final ObjectShape DEMAND_POINT = new ObjectShape("DemandPoint", DemandPoint.class,
            "A place requests come from: a named site, or lat and lon.", List.of(
            optional("site", new SiteShape(), "A known site such as mumbai or frankfurt."),
            optional("lat", new NumberShape(-90, 90, false), "Latitude in degrees."),
            optional("lon", new NumberShape(-180, 180, false), "Longitude in degrees."),
            withDefault("weight", new NumberShape(0, 1e9, true), 1.0, "Relative share of requests from here.")));

    public static final ObjectShape PLACEMENT = new ObjectShape("Placement", Placement.class,
            "Where the workload may run, and how widely.", List.of(
            emptyByDefault("clusterSelector", CLUSTER_SELECTOR, "Which clusters qualify, by their labels."),
            required("jurisdictions", new ListShape(new JurisdictionShape(), 1, true),
                    "Countries (DE), subdivisions (IN-MH) or groups (EU) the data may reach. No cluster elsewhere is ever chosen."),
            withDefault("replicasPerCluster", IntegerShape.atLeast(1), 1, "Replicas on each chosen cluster."),
            withDefault("minClusters", IntegerShape.atLeast(1), 1, "Fewest clusters that satisfy the policy."),
            defaultFrom("maxClusters", IntegerShape.atLeast(1), "spec.placement.minClusters", "Most clusters to choose; defaults to minClusters."),
            optional("spreadBy", LABEL_KEY, "Cluster label key whose values the chosen clusters spread across (e.g. region)."),
            emptyByDefault("demand", new ListShape(DEMAND_POINT, 0), "Where requests come from, for the latency score.")));

    public static final ObjectShape ROLLOUT = new ObjectShape("Rollout", Rollout.class,
            "How a change reaches the chosen clusters.", List.of(
            withDefault("waveSize", new IntOrPercentShape(), IntOrPercent.percent(25), "Clusters per wave: a count or a percentage (rounded up)."),
            withDefault("maxUnavailable", new IntOrPercentShape(), IntOrPercent.count(0), "Clusters that may be unavailable at once."),
            withDefault("pauseOnFailure", new BooleanShape(), true, "Stop after a wave in which a cluster failed.")));

    public static final ObjectShape ROUTING = new ObjectShape("Routing", Routing.class,
            "How clients reach the workload through the Flotilla router.", List.of(
            defaultFrom("alias", StringShape.matching("[A-Za-z0-9][A-Za-z0-9._:/-]*", "a model name of letters, digits and . _ : / -", 256),
                    "metadata.name", "Model name clients send; defaults to metadata.name."),
            optional("maxLatencyMs", IntegerShape.atLeast(1), "Clusters estimated farther than this round trip from the client are not routed to."),
            optional("loadWeight", new NumberShape(0, 1e6, false),
                    "Milliseconds added to a cluster's score per waiting request per running one (default 200)."),
            optional("cacheWeight", new NumberShape(0, 1e6, false),
                    "Milliseconds added at a full KV cache, scaled by the fourth power of its use (default 50)."),
            optional("maxQueue", IntegerShape.atLeast(0),
                    "Waiting requests above which a cluster is skipped while another allowed one has room (default: no limit).")));

    public static final ObjectShape SPEC = new ObjectShape("FleetPolicySpec", PolicySpec.class,
            "What to run, where, how to roll it out and how clients reach it.", List.of(
            required("workload", WORKLOAD, "The inference server to run."),
            required("placement", PLACEMENT, "Where it may and should run."),
            emptyByDefault("rollout", ROLLOUT, "How changes roll out."),
            emptyByDefault("routing", ROUTING, "How clients reach it.")));

    public static final ObjectShape METADATA = new ObjectShape("Metadata", PolicyMetadata.class,
            "Name and labels of the policy.", List.of(
            required("name", StringShape.matching("[a-z0-9]([-a-z0-9]*[a-z0-9])?",
                    "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit", 63),
                    "Unique name of the policy."),
            emptyByDefault("labels", LABELS, "Free-form labels.")));

    public static final ObjectShape FLEET_POLICY = new ObjectShape("FleetPolicy", FleetPolicy.class,
            "A Flotilla fleet policy: an inference workload, where it may run and how clients reach it.", List.of(
            required("apiVersion", new ConstShape(FleetPolicy.API_VERSION), "Always " + FleetPolicy.API_VERSION + "."),
            required("kind", new ConstShape(FleetPolicy.KIND), "Always " + FleetPolicy.KIND + "."),
            required("metadata", METADATA, "Name and labels."),
            required("spec", SPEC, "The policy itself.")));

    /** Every object shape, outermost first. */
    public static List<ObjectShape> objects() {
        return List.of(FLEET_POLICY, METADATA, SPEC, WORKLOAD, ENV_VAR, SECRET_KEY_REF, RESOURCES, TOLERATION, MODEL_CACHE, PLACEMENT, CLUSTER_SELECTOR,
                LABEL_REQUIREMENT, DEMAND_POINT, ROLLOUT, ROUTING);
    }
}
