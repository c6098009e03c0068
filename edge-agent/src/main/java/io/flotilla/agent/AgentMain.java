package io.flotilla.agent;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The edge agent as a plain Java process, without Quarkus: {@code java -cp 'plain-lib/*'
 * io.flotilla.agent.AgentMain}. It reads the same configuration as the Quarkus build (SmallRye
 * Config on its own: system properties, environment variables, then the module's
 * {@code application.properties}), and builds the Kubernetes client and the agent through the same
 * code ({@link KubernetesConnection}, {@link AgentRuntime}). Exit status 2: a configuration the
 * agent cannot start with (a missing or invalid key, no identity and nothing to enroll with, a
 * refused enrollment), said in one line on standard error; 1: any other failure to start.
 */
public final class AgentMain {

    static final int INVALID_CONFIGURATION = 2;
    static final int FAILED = 1;

    /** Where the Quarkus build reads application.properties from the class path (its ordinal there). */
    private static final int APPLICATION_PROPERTIES_ORDINAL = 250;
    /** Above system properties (400): what {@link #start(Map)} is handed wins. */
    private static final int OVERRIDES_ORDINAL = 500;

    private static final String HINT = " (keys are flotilla.agent.* in application.properties or as -D system"
            + " properties, or environment variables such as FLOTILLA_AGENT_CLUSTER_ID)";

    /** JUL holds loggers weakly: the level set on Paho's would be lost with the logger. */
    private static final Logger PAHO = Logger.getLogger("org.eclipse.paho");

    public static void main(String[] args) throws InterruptedException {
        configureLogging();
        Running running;
        try {
            running = start(Map.of());
        } catch (InvalidConfigurationException e) {
            System.err.println("flotilla-agent: " + e.getMessage());
            System.exit(INVALID_CONFIGURATION);
            return;
        } catch (RuntimeException e) {
            System.err.println("flotilla-agent: cannot start: " + e);
            e.printStackTrace();
            System.exit(FAILED);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("flotilla-shutdown").unstarted(() -> {
            running.close();
            stopped.countDown();
        }));
        // the agent's threads are daemons: this one keeps the process alive until it is told to stop
        stopped.await();
    }

    /** The started agent and its Kubernetes client; closing stops the agent first, then the client. */
    record Running(KubernetesConnection kubernetes, AgentRuntime agent) implements AutoCloseable {
        @Override
        public void close() {
            agent.close();
            kubernetes.close();
        }
    }

    /**
     * Reads the configuration and starts the agent.
     *
     * @param overrides properties above every other source (tests; {@link #main} passes none)
     * @throws InvalidConfigurationException a key is missing or has a value the agent cannot use
     */
    static Running start(Map<String, String> overrides) throws InvalidConfigurationException {
        AgentConfig config = config(overrides);
        KubernetesConnection kubernetes = KubernetesConnection.open();
        try {
            return new Running(kubernetes, AgentRuntime.start(config, kubernetes.client(), version()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            // an invalid value, or no identity and nothing to enroll with, or a refused enrollment
            kubernetes.close();
            throw new InvalidConfigurationException(e.getMessage(), e);
        } catch (RuntimeException e) {
            kubernetes.close();
            throw e;
        }
    }

    static AgentConfig config(Map<String, String> overrides) throws InvalidConfigurationException {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultSources()
                .addDefaultInterceptors()
                .withConverter(Duration.class, 200, DurationConverter::parse)
                .withMapping(AgentConfig.class)
                .withSources(new PropertiesConfigSource(overrides, "overrides", OVERRIDES_ORDINAL));
        URL properties = AgentMain.class.getResource("/application.properties");
        if (properties != null) {
            try {
                builder.withSources(new PropertiesConfigSource(properties, APPLICATION_PROPERTIES_ORDINAL));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + properties, e);
            }
        }
        try {
            SmallRyeConfig config = builder.build();
            return config.getConfigMapping(AgentConfig.class);
        } catch (ConfigValidationException e) {
            String problems = IntStream.range(0, e.getProblemCount()).mapToObj(i -> e.getProblem(i).getMessage())
                    .collect(Collectors.joining("; "));
            throw new InvalidConfigurationException(problems + HINT, e);
        } catch (IllegalArgumentException | NoSuchElementException e) {
            throw new InvalidConfigurationException(innermostMessage(e) + HINT, e);
        }
    }

    /** SmallRye wraps its SRCFG message in exceptions whose message is the cause's toString(). */
    private static String innermostMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && String.valueOf(t.getMessage()).equals(t.getCause().toString())) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** The Implementation-Version of the agent's jar; "dev" when run from classes. */
    static String version() {
        String version = AgentMain.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /**
     * Console logging at INFO, Paho at WARN, as the Quarkus build logs; left alone when a JUL
     * configuration is given ({@code -Djava.util.logging.config.file}). The agent logs through
     * System.Logger, which is JUL here, and SmallRye Config through JBoss Logging, told to use JUL too.
     * fabric8 logs through SLF4J, which has no binding on the plain class path: it is silenced
     * explicitly rather than warning about it at every start.
     */
    static void configureLogging() {
        System.getProperties().putIfAbsent("org.jboss.logging.provider", "jdk");
        System.getProperties().putIfAbsent("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        System.getProperties().putIfAbsent("slf4j.internal.verbosity", "WARN");
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        System.getProperties().putIfAbsent("java.util.logging.SimpleFormatter.format",
                "%1$tH:%1$tM:%1$tS.%1$tL %4$-7s [%3$s] %5$s%6$s%n");
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new SimpleFormatter());
        console.setLevel(Level.ALL);
        root.addHandler(console);
        root.setLevel(Level.INFO);
        PAHO.setLevel(Level.WARNING);
    }

    /** A configuration the agent cannot start with; the message says which key and why, never a secret's value. */
    static final class InvalidConfigurationException extends Exception {
        InvalidConfigurationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private AgentMain() {
    }
}
