package io.flotilla.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconnectSupervisorTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicBoolean connected = new AtomicBoolean();
    private final AtomicLong nanoTime = new AtomicLong(1_000);
    private ReconnectSupervisor supervisor;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** A supervisor whose connects only count (the test reports their outcome); the watchdog is run by hand. */
    private ReconnectSupervisor supervisor(Duration retryDelay) {
        supervisor = new ReconnectSupervisor(scheduler, new ReconnectSupervisor.Actions() {
            @Override
            public void connect() {
                connects.incrementAndGet();
                supervisor.connecting();
            }

            @Override
            public void reset() {
                resets.incrementAndGet();
            }
        }, connected::get, new Backoff(retryDelay, retryDelay, () -> 1.0), Duration.ofHours(1), Duration.ofSeconds(30),
                nanoTime::get);
        return supervisor;
    }

    @Test
    void manyCallbacksAskingForARetryAtOnceMakeOneConnect() throws Exception {
        ReconnectSupervisor s = supervisor(Duration.ofMillis(200));
        CountDownLatch go = new CountDownLatch(1);
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                callers.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    s.request();
                });
            }
            go.countDown();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> connects.get() == 1);
        Thread.sleep(600); // three more retry delays: nothing else was scheduled
        assertThat(connects).hasValue(1);
    }

    @Test
    void aRetryAskedForWhileAConnectIsInFlightWaitsForItsOutcome() {
        ReconnectSupervisor s = supervisor(Duration.ofMillis(50));
        s.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> connects.get() == 1);
        s.request(); // the connection "was lost" while the connect is still in flight
        s.request();
        assertThat(s.retryScheduled()).isFalse();
        s.connectEnded(false); // the connect failed: exactly one retry
        await().atMost(Duration.ofSeconds(5)).until(() -> connects.get() == 2);
        s.connectEnded(true);
        connected.set(true);
        s.request(); // a stale request once connected does not connect again
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !s.retryScheduled());
        assertThat(connects).hasValue(2);
    }

    @Test
    void theWatchdogReconnectsALinkThatIsDownWithNothingScheduled() {
        ReconnectSupervisor s = supervisor(Duration.ofMillis(50));
        s.check(); // never started, down, nothing scheduled or in flight
        await().atMost(Duration.ofSeconds(5)).until(() -> connects.get() == 1);
        s.connectEnded(true);
        connected.set(true);
        s.check(); // up: nothing to do
        assertThat(s.retryScheduled()).isFalse();
        assertThat(connects).hasValue(1);
        assertThat(resets).hasValue(0);
    }

    @Test
    void aConnectStuckInFlightPastTheLimitGetsANewClient() {
        ReconnectSupervisor s = supervisor(Duration.ofMillis(50));
        s.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> connects.get() == 1);
        nanoTime.addAndGet(Duration.ofSeconds(29).toNanos());
        s.check(); // in flight, but still within the limit
        assertThat(resets).hasValue(0);
        nanoTime.addAndGet(Duration.ofSeconds(2).toNanos());
        s.check();
        assertThat(resets).hasValue(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> connects.get() == 2);
    }

    @Test
    void nothingConnectsAfterStop() throws Exception {
        ReconnectSupervisor s = supervisor(Duration.ofMillis(50));
        s.stop();
        s.start();
        s.request();
        s.check();
        Thread.sleep(200);
        assertThat(connects).hasValue(0);
    }
}
