package io.flotilla.bench.affinity;

import io.flotilla.placement.routing.AffinitySlack;
import io.flotilla.placement.routing.AffinityTable;
import io.flotilla.placement.routing.LiveLoad;
import io.flotilla.policy.GeoPoint;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * One run of {@link AffinityBenchmark} for one strategy: a discrete-event simulation in simulated seconds, with the
 * same seed, site weights and rates whatever the strategy (random draws interleave differently, so the sessions are
 * alike, not identical). Statistics count requests that arrive after a warm-up of a tenth of the run.
 */
final class Simulation {

    record Result(long requests, long followUps, long hits, double meanWait, double p99Wait, double meanNetworkMs, double meanLatency) {
    }

    private static final class Session {
        final long key;
        final GeoPoint client;
        final String country;
        int turn;

        Session(long key, GeoPoint client, String country) {
            this.key = key;
            this.client = client;
            this.country = country;
        }
    }

    private record Request(Session session, double arrival, int cluster, boolean hit, double networkMs) {
    }

    private enum Kind { SESSION, TURN, DONE, REPORT }

    private record Event(double time, Kind kind, Session session, int cluster) {
    }

    private final AffinityBenchmark.SimFleet fleet;
    private final AffinityBenchmark.Strategy strategy;
    private final double seconds;
    private final double warmup;
    private final double sessionRate;
    private final SplittableRandom random;
    private final double[] siteWeights;
    private final double totalWeight;
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> Double.compare(a.time(), b.time()));
    private final int[] busy;
    private final ArrayDeque<Request>[] queues;
    private final LinkedHashMap<Long, Boolean>[] caches;
    private final LiveLoad[] reported;
    private final AffinityTable affinity = new AffinityTable(1 << 16);
    private long requests;
    private long followUps;
    private long hits;
    private double waitSum;
    private double networkSum;
    private double latencySum;
    private double[] waits = new double[1 << 16];
    private int waitCount;
    private long nextSession = 1;

    @SuppressWarnings("unchecked")
    Simulation(AffinityBenchmark.SimFleet fleet, AffinityBenchmark.Strategy strategy, double seconds, double requestRate, long seed) {
        this.fleet = fleet;
        this.strategy = strategy;
        this.seconds = seconds;
        this.warmup = seconds / 10;
        this.sessionRate = requestRate / AffinityBenchmark.TURNS;
        this.random = new SplittableRandom(seed);
        this.siteWeights = new double[fleet.sites.size()];
        var weights = new SplittableRandom(seed + 1);
        double sum = 0;
        for (int i = 0; i < siteWeights.length; i++) {
            siteWeights[i] = 0.5 + weights.nextDouble();
            sum += siteWeights[i];
        }
        this.totalWeight = sum;
        int n = fleet.clusters.size();
        busy = new int[n];
        queues = new ArrayDeque[n];
        caches = new LinkedHashMap[n];
        for (int i = 0; i < n; i++) {
            queues[i] = new ArrayDeque<>();
            caches[i] = new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > AffinityBenchmark.CACHE_SESSIONS;
                }
            };
        }
        reported = fleet.reports();
    }

    Result run() {
        events.add(new Event(exp(1 / sessionRate), Kind.SESSION, null, -1));
        events.add(new Event(AffinityBenchmark.REPORT_S, Kind.REPORT, null, -1));
        while (!events.isEmpty() && events.peek().time() < seconds) {
            Event e = events.poll();
            switch (e.kind()) {
                case SESSION -> {
                    events.add(new Event(e.time() + exp(1 / sessionRate), Kind.SESSION, null, -1));
                    turn(e.time(), newSession());
                }
                case TURN -> turn(e.time(), e.session());
                case DONE -> done(e.time(), e.cluster(), e.session());
                case REPORT -> {
                    for (int c = 0; c < busy.length; c++) {
                        reported[c] = new LiveLoad(queues[c].size(), busy[c], 0.8 * busy[c] / AffinityBenchmark.SLOTS);
                    }
                    events.add(new Event(e.time() + AffinityBenchmark.REPORT_S, Kind.REPORT, null, -1));
                }
            }
        }
        double[] sorted = Arrays.copyOf(waits, waitCount);
        Arrays.sort(sorted);
        return new Result(requests, followUps, hits, waitSum / requests, sorted.length == 0 ? 0 : sorted[(int) (sorted.length * 0.99)],
                networkSum / requests, latencySum / requests);
    }

    private Session newSession() {
        double pick = random.nextDouble() * totalWeight;
        int site = 0;
        while (site < siteWeights.length - 1 && (pick -= siteWeights[site]) > 0) {
            site++;
        }
        AffinityBenchmark.SiteRow s = fleet.sites.get(site);
        var client = new GeoPoint(s.lat() + random.nextDouble(-1, 1), s.lon() + random.nextDouble(-1, 1));
        return new Session(nextSession++, client, s.country());
    }

    private void turn(double now, Session session) {
        session.turn++;
        int cluster = choose(session);
        boolean hit = session.turn > 1 && caches[cluster].containsKey(session.key);
        double networkMs = AffinityBenchmark.SimFleet.networkMs(session.client, fleet.location(cluster));
        var request = new Request(session, now, cluster, hit, networkMs);
        if (busy[cluster] < AffinityBenchmark.SLOTS) {
            start(now, request);
        } else {
            queues[cluster].add(request);
        }
    }

    private int choose(Session session) {
        if (strategy == AffinityBenchmark.Strategy.RANDOM) {
            int[] reachable = fleet.reachableByCountry.get(session.country);
            return reachable[random.nextInt(reachable.length)];
        }
        var q = fleet.query(session.client, session.country);
        boolean affine = strategy.slack != null;
        String preferred = affine ? affinity.preferred(AffinityBenchmark.ALIAS, session.key) : null;
        String chosen = fleet.first(q, reported, preferred, affine ? strategy.slack : AffinitySlack.DEFAULT,
                strategy != AffinityBenchmark.Strategy.NEAREST_NO_LIVE_LOAD).clusterId();
        if (affine) {
            affinity.served(AffinityBenchmark.ALIAS, session.key, chosen);
        }
        return fleet.index.get(chosen);
    }

    private void start(double now, Request r) {
        busy[r.cluster()]++;
        caches[r.cluster()].put(r.session().key, Boolean.TRUE);
        double service = (r.hit() ? AffinityBenchmark.HIT_SERVICE_S : AffinityBenchmark.MISS_SERVICE_S) * (0.75 + 0.5 * random.nextDouble());
        if (r.arrival() >= warmup) {
            double wait = now - r.arrival();
            requests++;
            if (r.session().turn > 1) {
                followUps++;
                hits += r.hit() ? 1 : 0;
            }
            waitSum += wait;
            networkSum += r.networkMs();
            latencySum += wait + service + r.networkMs() / 1000;
            if (waitCount == waits.length) {
                waits = Arrays.copyOf(waits, waitCount * 2);
            }
            waits[waitCount++] = wait;
        }
        events.add(new Event(now + service, Kind.DONE, r.session(), r.cluster()));
    }

    private void done(double now, int cluster, Session session) {
        busy[cluster]--;
        Request next = queues[cluster].poll();
        if (next != null) {
            start(now, next);
        }
        if (session.turn < AffinityBenchmark.TURNS) {
            events.add(new Event(now + exp(AffinityBenchmark.THINK_S), Kind.TURN, session, -1));
        }
    }

    private double exp(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }
}
