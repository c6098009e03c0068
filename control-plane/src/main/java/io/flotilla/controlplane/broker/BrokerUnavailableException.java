package io.flotilla.controlplane.broker;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The broker could not be reached, refused what was asked, or did not answer in time; the call can be tried again. */
public final class BrokerUnavailableException extends Exception {

    BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Blocks (never on an event loop) for a Vert.x MQTT client's {@code future}, turning its failure into this. */
    static <T> T await(Future<T> future, Duration timeout, String what) throws BrokerUnavailableException {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new BrokerUnavailableException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("cannot " + what + " within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted: " + what, e);
        }
    }
}
