package io.flotilla.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A simulated fleet's agents log every connect and reconcile at INFO: in a test only their warnings are worth reading. */
final class FleetLogging {

    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    private FleetLogging() {
    }

    static synchronized void quiet() {
        if (!QUIETED.isEmpty()) {
            return;
        }
        for (String name : List.of("io.flotilla.agent", "io.flotilla.simulator", "org.eclipse.paho", "io.fabric8")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            QUIETED.add(logger);
        }
    }
}
