package io.flotilla.placement.routing;

import io.flotilla.placement.NetworkLatency;
import io.flotilla.policy.GeoPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The clusters a query may go to once its alias and allowed jurisdictions are fixed, indexed by place, so
 * that a query looks at the few clusters near the client instead of all of them. The answer is exactly the
 * one of a linear scan: a cluster is skipped only when a lower bound of its total (network + load penalty)
 * is already worse than the k-th best found.
 *
 * <p>Clusters are grouped into buckets of {@value #BUCKET_DEG}° of latitude and longitude, each with a
 * centre, a radius and its clusters sorted by load penalty. For the {@value #ORDER_DEG}° cell the client is
 * in, the buckets are visited in order of a lower bound valid for any point of that cell (computed on first
 * use and kept). Bounds use the chord between unit vectors, which obeys the triangle inequality, turned into
 * the arc it spans ({@code 2 asin(chord / 2)}): a bound of the chord is a bound of the great-circle distance, as
 * tight far away as near. Round trips measured from the client's site do not follow distance, so those clusters
 * are offered first (best first, only as many as are asked for) and skipped in the buckets.
 *
 * <p>A search from a named site at the site's own location is kept per site for the life of the index (one
 * fleet snapshot): it depends on nothing else, and the router's requests come from the same sites again and again.
 * A query by coordinates depends on the point, so for the {@value #NEARBY_DEG}° cell it falls in the index keeps the
 * few clusters that may rank from anywhere in that cell ({@link Nearby}), and later queries from the cell bound
 * and measure those alone instead of walking the buckets.
 */
final class CandidateIndex {

    static final double BUCKET_DEG = 2.0;
    /**
     * The cell the client is in decides the order buckets are visited in. 2° rather than 5°: a smaller cell's bounds
     * are tighter, so fewer buckets and clusters are read: the benchmark's p99 a quarter lower by the fastest of 300
     * runs per query, 4 to 9 % lower in JMH's samples (docs/benchmarks.md). The cost is memory: an order per cell that
     * clients come from, per index; after the benchmark's 4,096 queries the orders and kept answers take 18.9 MB
     * instead of 12.2 MB.
     */
    static final double ORDER_DEG = 2.0;
    private static final int ORDER_LAT_CELLS = (int) (180 / ORDER_DEG);
    private static final int ORDER_LON_CELLS = (int) (360 / ORDER_DEG);
    /** Any point of an order cell lies within ORDER_DEG of arc (|dlat| + |dlon| <= ORDER_DEG) of the cell centre. */
    private static final double ORDER_CELL_CHORD = 2 * Math.sin(Math.toRadians(ORDER_DEG) / 2);
    /** Absorbs rounding between the chord bound and the exact atan2 distance; far below any real difference. */
    private static final double SLACK_MS = 1e-6;

    /**
     * Clusters with a round trip measured from one site, best first by round trip plus load penalty (then cluster id),
     * with those two numbers and the cluster's maxLatencyMs beside each, and their positions in {@link #entries}.
     */
    private record Measured(Router.Entry[] entries, double[] rttMs, double[] totalMs, double[] maxLatencyMs, BitSet positions) {
    }

    /** Buckets in the order to visit them from one order cell, with each one's lower bound of the total. */
    private record Order(int[] buckets, double[] boundMs) {
    }

    /** Per cluster in {@link #points}: unit vector x, y, z, load penalty, maxLatencyMs. */
    private static final int POINT = 5;
    /** Per bucket in {@link #bucketShape}: centre x, y, z, radius (chord). */
    private static final int SHAPE = 4;

    private final int size;
    private final Router.Entry[] entries;
    /**
     * What a search reads of each cluster, side by side in bucket order ({@link #POINT} numbers each): a bucket's
     * clusters are a few adjacent cache lines, with no entry to follow until one is offered.
     */
    private final double[] points;
    private final int[] bucketStart;
    private final double[] bucketShape;
    private final double[] bucketMinPenaltyMs;
    private final Map<String, Measured> measuredBySite;
    private final AtomicReferenceArray<Order> orders = new AtomicReferenceArray<>(ORDER_LAT_CELLS * ORDER_LON_CELLS);
    /** Per named site, its last search; at most {@link #MAX_RANKED_SITES} sites are kept. */
    private final Map<String, Ranked> rankedBySite = new ConcurrentHashMap<>();
    static final int MAX_RANKED_SITES = 4096;

    /** The cell a query by coordinates keeps its {@link Nearby} clusters for: about 28 km across. */
    static final double NEARBY_DEG = 0.25;
    private static final int NEARBY_LON_CELLS = (int) (360 / NEARBY_DEG);
    /** Any point of a nearby cell lies within NEARBY_DEG of arc of the cell centre (as for order cells). */
    private static final double NEARBY_CELL_CHORD = 2 * Math.sin(Math.toRadians(NEARBY_DEG) / 2);
    /** Cells kept per index; once full, queries from other cells walk the buckets. */
    static final int MAX_NEARBY_CELLS = 1024;
    /** A cell with more clusters that may rank than this is not kept: walking the buckets costs no more. */
    static final int MAX_NEARBY = 48;
    /** Per nearby cell and number of places asked for: the clusters that may rank, or {@link Nearby#NONE}. */
    private final Map<Long, Nearby> nearbyByCell = new ConcurrentHashMap<>();

    CandidateIndex(Router.Entry[] admitted) {
        this.size = admitted.length;
        // bucket by bucket (in cell order), each bucket by load penalty, then id
        int[] cells = new int[size];
        Integer[] sorted = new Integer[size];
        for (int k = 0; k < size; k++) {
            cells[k] = cell(admitted[k].cluster.location(), BUCKET_DEG);
            sorted[k] = k;
        }
        Arrays.sort(sorted, (p, q) -> {
            int c = Integer.compare(cells[p], cells[q]);
            if (c == 0) {
                c = Double.compare(admitted[p].penaltyMs, admitted[q].penaltyMs);
            }
            return c != 0 ? c : admitted[p].id.compareTo(admitted[q].id);
        });
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (i == 0 || cells[sorted[i]] != cells[sorted[i - 1]]) {
                n++;
            }
        }
        entries = new Router.Entry[size];
        points = new double[size * POINT];
        bucketStart = new int[n + 1];
        bucketShape = new double[n * SHAPE];
        bucketMinPenaltyMs = new double[n];
        int[] position = new int[size];
        int i = 0;
        for (int b = 0; b < n; b++) {
            int first = i;
            int end = i + 1;
            while (end < size && cells[sorted[end]] == cells[sorted[first]]) {
                end++;
            }
            double cx = 0;
            double cy = 0;
            double cz = 0;
            for (int j = first; j < end; j++) {
                Router.Entry e = admitted[sorted[j]];
                cx += e.x;
                cy += e.y;
                cz += e.z;
            }
            double norm = Math.sqrt(cx * cx + cy * cy + cz * cz);
            double bx = cx / norm;
            double by = cy / norm;
            double bz = cz / norm;
            bucketStart[b] = first;
            bucketMinPenaltyMs[b] = admitted[sorted[first]].penaltyMs;
            double radius = 0;
            for (; i < end; i++) {
                Router.Entry e = admitted[sorted[i]];
                // copied in the order searches read them: a bucket's entries share cache lines
                entries[i] = new Router.Entry(e);
                position[sorted[i]] = i;
                int at = i * POINT;
                points[at] = e.x;
                points[at + 1] = e.y;
                points[at + 2] = e.z;
                points[at + 3] = e.penaltyMs;
                points[at + 4] = e.maxLatencyMs;
                radius = Math.max(radius, chord(bx, by, bz, e.x, e.y, e.z));
            }
            int at = b * SHAPE;
            bucketShape[at] = bx;
            bucketShape[at + 1] = by;
            bucketShape[at + 2] = bz;
            bucketShape[at + 3] = radius * (1 + 1e-9);
        }
        bucketStart[n] = size;
        measuredBySite = measuredBySite(admitted, position);
    }

    /** Per site, the clusters with a round trip measured from it, best first; {@code position}: each one's in {@link #entries}. */
    private Map<String, Measured> measuredBySite(Router.Entry[] admitted, int[] position) {
        var bySite = new HashMap<String, List<Integer>>();
        for (int k = 0; k < admitted.length; k++) {
            int original = k;
            admitted[k].cluster.rttMsBySite().keySet().forEach(site -> bySite.computeIfAbsent(site, s -> new ArrayList<>()).add(original));
        }
        var out = new HashMap<String, Measured>();
        bySite.forEach((site, originals) -> {
            int m = originals.size();
            int[] at = new int[m];
            double[] rtt = new double[m];
            double[] total = new double[m];
            Integer[] order = new Integer[m];
            for (int j = 0; j < m; j++) {
                at[j] = position[originals.get(j)];
                rtt[j] = entries[at[j]].cluster.rttMsBySite().get(site);
                total[j] = rtt[j] + entries[at[j]].penaltyMs;
                order[j] = j;
            }
            Arrays.sort(order, (p, q) -> {
                int c = Double.compare(total[p], total[q]);
                return c != 0 ? c : entries[at[p]].id.compareTo(entries[at[q]].id);
            });
            var positions = new BitSet(size);
            var list = new Router.Entry[m];
            double[] rttMs = new double[m];
            double[] totalMs = new double[m];
            double[] maxLatencyMs = new double[m];
            for (int r = 0; r < m; r++) {
                int j = order[r];
                positions.set(at[j]);
                list[r] = entries[at[j]];
                rttMs[r] = rtt[j];
                totalMs[r] = total[j];
                maxLatencyMs[r] = entries[at[j]].maxLatencyMs;
            }
            out.put(site, new Measured(list, rttMs, totalMs, maxLatencyMs, positions));
        });
        return Map.copyOf(out);
    }

    int size() {
        return size;
    }

    /**
     * Offers to {@code top} every cluster that may rank among its best for a client at {@code client}; for a named
     * {@code site} at its own location, the search kept for that site is copied instead (see {@link Ranked}).
     */
    double search(GeoPoint client, String site, Router.TopK top, Scratch scratch) {
        if (site == null) {
            double[] c = NetworkLatency.unit(client, scratch.unit);
            Nearby nearby = nearby(client, top.capacity());
            if (nearby != Nearby.NONE) {
                double nearestBeyond = nearby.search(c, top, scratch);
                if (top.size > 0) {
                    return nearestBeyond;
                }
                // none of them within its maxLatencyMs: the buckets tell how near the nearest one left out is
            }
            return search(c, client, null, top, scratch);
        }
        Ranked kept = rankedBySite.get(site);
        if (kept != null && kept.fits(client, top.capacity())) {
            return kept.copyTo(top);
        }
        double nearestBeyond = search(NetworkLatency.unit(client, scratch.unit), client, site, top, scratch);
        if (rankedBySite.size() < MAX_RANKED_SITES) {
            rankedBySite.put(site, new Ranked(client, top, nearestBeyond));
        }
        return nearestBeyond;
    }

    /**
     * A site's search result, kept for the life of this index (one fleet snapshot): without live load, the ranking
     * from a named site depends on nothing else, and requests come from the same sites over and over. Live load and
     * affinity re-rank a copy of it per request.
     */
    private record Ranked(GeoPoint client, int capacity, Router.Entry[] entries, double[] networks, double[] totals,
            boolean[] measured, int size, double nearestBeyond) {

        Ranked(GeoPoint client, Router.TopK top, double nearestBeyond) {
            this(client, top.capacity(), top.entries.clone(), top.networks.clone(), top.totals.clone(), top.measured.clone(),
                    top.size, nearestBeyond);
        }

        boolean fits(GeoPoint at, int k) {
            return capacity == k && client.equals(at);
        }

        double copyTo(Router.TopK top) {
            System.arraycopy(entries, 0, top.entries, 0, size);
            System.arraycopy(networks, 0, top.networks, 0, size);
            System.arraycopy(totals, 0, top.totals, 0, size);
            System.arraycopy(measured, 0, top.measured, 0, size);
            top.size = size;
            return nearestBeyond;
        }
    }

    /**
     * Searches afresh: offers to {@code top} every cluster that may rank among its best, client at unit vector
     * {@code c}. Two passes, because the exact distance (atan2) costs far more than its bounds: the first visits the
     * near buckets with cheap lower and upper bounds from the chord ({@link ArcTable}), the k best upper bounds
     * giving a cut; the second computes exactly only the clusters whose lower bound is within that cut.
     *
     * @return the smallest network round trip among clusters left out for their maxLatencyMs (exact whenever
     *         {@code top} ends up empty, as then nothing was skipped)
     */
    private double search(double[] c, GeoPoint client, String site, Router.TopK top, Scratch scratch) {
        double nearestBeyond = Double.POSITIVE_INFINITY;
        KBest cut = scratch.cut(top.capacity());
        Measured m = site == null ? null : measuredBySite.get(site);
        if (m != null) {
            int offered = 0;
            for (int i = 0; i < m.entries().length && offered < top.capacity(); i++) {
                double rtt = m.rttMs()[i];
                if (rtt > m.maxLatencyMs()[i]) {
                    nearestBeyond = Math.min(nearestBeyond, rtt);
                } else {
                    // best first: once the top is full of these, no later one of them can enter it
                    top.offer(m.entries()[i], rtt, m.totalMs()[i], true);
                    cut.add(m.totalMs()[i]);
                    offered++;
                }
            }
        }
        BitSet measuredHere = m == null ? null : m.positions();
        int n = 0;
        Order order = order(client);
        for (int j = 0; j < order.buckets().length; j++) {
            if (order.boundMs()[j] > cut.value() + SLACK_MS) {
                break; // every later bucket is at least as far
            }
            int b = order.buckets()[j];
            int shape = b * SHAPE;
            double bucketNetworkMs = ArcTable.lowerMs(ArcTable.step(Math.max(0,
                    chord(c[0], c[1], c[2], bucketShape[shape], bucketShape[shape + 1], bucketShape[shape + 2]) - bucketShape[shape + 3])));
            for (int i = bucketStart[b]; i < bucketStart[b + 1]; i++) {
                if (bucketNetworkMs + points[i * POINT + 3] > cut.value() + SLACK_MS) {
                    break; // sorted by penalty: the rest of the bucket is worse still
                }
                if (measuredHere == null || !measuredHere.get(i)) { // else offered above with its measured round trip
                    n = bound(c, points, i, cut, scratch, n);
                }
            }
        }
        return exact(c, points, entries, n, cut, top, scratch, nearestBeyond);
    }

    /**
     * The first pass of a search for cluster {@code i} of {@code pts}, client at {@code c}: its upper bound tightens
     * {@code cut} (when within its maxLatencyMs), and it is kept in {@code scratch} for the exact pass when its lower
     * bound is within the cut. Returns the new count kept.
     */
    private static int bound(double[] c, double[] pts, int i, KBest cut, Scratch scratch, int n) {
        int at = i * POINT;
        double penalty = pts[at + 3];
        int step = ArcTable.step(chord(c[0], c[1], c[2], pts[at], pts[at + 1], pts[at + 2]));
        double lower = ArcTable.lowerMs(step) + penalty;
        if (lower > cut.value() + SLACK_MS) {
            return n;
        }
        double upperNetwork = ArcTable.upperMs(step) + SLACK_MS;
        if (upperNetwork <= pts[at + 4]) {
            cut.add(upperNetwork + penalty);
        }
        return scratch.keep(n, i, lower);
    }

    /**
     * The second pass of a search: computes exactly the {@code n} clusters kept in {@code scratch} (positions in
     * {@code pts} and {@code ents}) whose lower bound is still within the cut, and offers them to {@code top}.
     *
     * @return the smallest network round trip among them and {@code nearestBeyond} left out for their maxLatencyMs
     */
    private static double exact(double[] c, double[] pts, Router.Entry[] ents, int n, KBest cut, Router.TopK top, Scratch scratch,
            double nearestBeyond) {
        int[] maybe = scratch.maybe;
        double[] maybeLowerMs = scratch.maybeLowerMs;
        for (int k = 0; k < n; k++) {
            if (maybeLowerMs[k] > Math.min(cut.value(), top.threshold()) + SLACK_MS) {
                continue;
            }
            int at = maybe[k] * POINT;
            double network = NetworkLatency.estimatedRttMs(
                    NetworkLatency.kmBetweenUnitVectors(c[0], c[1], c[2], pts[at], pts[at + 1], pts[at + 2]));
            if (network > pts[at + 4]) {
                nearestBeyond = Math.min(nearestBeyond, network);
            } else {
                top.offer(ents[maybe[k]], network, network + pts[at + 3], false);
            }
        }
        return nearestBeyond;
    }

    /**
     * The clusters that may rank among the best {@code k} from some point of one {@value #NEARBY_DEG}° cell, by
     * bounds valid for the whole cell: the k-th best upper bound among clusters within their maxLatencyMs from every
     * point of it is a cut no point's k-th best exceeds, and only clusters whose lower bound is within that cut are
     * kept, copied side by side ({@link #POINT} numbers each) in order of that lower bound. A query from the cell
     * bounds and measures these alone, as a search does the buckets' clusters, so it gives the same answer.
     */
    private record Nearby(double[] points, Router.Entry[] entries, double[] lowerMs) {

        /** No cell to search: too many clusters may rank from it, too many places were asked for, or the index keeps no more cells. */
        static final Nearby NONE = new Nearby(new double[0], new Router.Entry[0], new double[0]);

        double search(double[] c, Router.TopK top, Scratch scratch) {
            KBest cut = scratch.cut(top.capacity());
            int n = 0;
            for (int i = 0; i < lowerMs.length; i++) {
                if (lowerMs[i] > cut.value() + SLACK_MS) {
                    break; // in order of the cell's lower bound, which no point of the cell goes below
                }
                n = bound(c, points, i, cut, scratch, n);
            }
            return exact(c, points, entries, n, cut, top, scratch, Double.POSITIVE_INFINITY);
        }
    }

    /** The nearby clusters of {@code client}'s cell for the best {@code k}, found on first use and kept. */
    private Nearby nearby(GeoPoint client, int k) {
        if (k > MAX_NEARBY) {
            return Nearby.NONE; // more places asked for than a cell keeps clusters
        }
        int cell = cell(client, NEARBY_DEG);
        long key = (long) cell * (MAX_NEARBY + 1) + k;
        Nearby kept = nearbyByCell.get(key);
        if (kept != null) {
            return kept;
        }
        if (nearbyByCell.size() >= MAX_NEARBY_CELLS) {
            return Nearby.NONE;
        }
        Nearby computed = computeNearby(cell, k);
        nearbyByCell.put(key, computed); // two threads may both compute it; the results are equal
        return computed;
    }

    private Nearby computeNearby(int cell, int k) {
        GeoPoint centre = new GeoPoint(-90 + (cell / NEARBY_LON_CELLS + 0.5) * NEARBY_DEG,
                -180 + (cell % NEARBY_LON_CELLS + 0.5) * NEARBY_DEG);
        double[] u = NetworkLatency.unit(centre);
        var cut = new KBest(k);
        var found = new Scratch(); // each cluster that may rank, with its lower bound for the cell
        int m = 0;
        // the order of the enclosing order cell (a nearby cell lies within one) bounds its buckets for the whole cell
        Order order = order(centre);
        for (int j = 0; j < order.buckets().length; j++) {
            if (order.boundMs()[j] > cut.value() + SLACK_MS) {
                break;
            }
            int b = order.buckets()[j];
            int shape = b * SHAPE;
            double bucketNetworkMs = estimatedMs(Math.max(0, chord(u[0], u[1], u[2], bucketShape[shape], bucketShape[shape + 1],
                    bucketShape[shape + 2]) - bucketShape[shape + 3] - NEARBY_CELL_CHORD));
            for (int i = bucketStart[b]; i < bucketStart[b + 1]; i++) {
                int at = i * POINT;
                double penalty = points[at + 3];
                if (bucketNetworkMs + penalty > cut.value() + SLACK_MS) {
                    break;
                }
                double chord = chord(u[0], u[1], u[2], points[at], points[at + 1], points[at + 2]);
                double lowerNetwork = estimatedMs(Math.max(0, chord - NEARBY_CELL_CHORD));
                if (lowerNetwork > points[at + 4] + SLACK_MS || lowerNetwork + penalty > cut.value() + SLACK_MS) {
                    continue; // beyond its maxLatencyMs from every point of the cell, or worse than the cut
                }
                double upperNetwork = estimatedMs(Math.min(2, chord + NEARBY_CELL_CHORD)) + SLACK_MS;
                if (upperNetwork <= points[at + 4]) {
                    cut.add(upperNetwork + penalty);
                }
                m = found.keep(m, i, lowerNetwork + penalty);
            }
        }
        int[] kept = found.maybe;
        double[] keptLowerMs = found.maybeLowerMs;
        Integer[] ranked = new Integer[m];
        int r = 0;
        for (int i = 0; i < m; i++) {
            if (keptLowerMs[i] <= cut.value() + SLACK_MS) {
                ranked[r++] = i;
            }
        }
        if (r > MAX_NEARBY) {
            return Nearby.NONE;
        }
        double[] lower = keptLowerMs;
        Arrays.sort(ranked, 0, r, Comparator.comparingDouble(i -> lower[i]));
        double[] nearPoints = new double[r * POINT];
        var nearEntries = new Router.Entry[r];
        double[] nearLowerMs = new double[r];
        for (int j = 0; j < r; j++) {
            int i = kept[ranked[j]];
            System.arraycopy(points, i * POINT, nearPoints, j * POINT, POINT);
            nearEntries[j] = entries[i];
            nearLowerMs[j] = keptLowerMs[ranked[j]];
        }
        return new Nearby(nearPoints, nearEntries, nearLowerMs);
    }

    /**
     * Bounds of the estimated round trip for a chord, from a table of the arc {@code 2 asin(chord / 2)} at
     * {@value #STEPS} even steps of the chord: the arc grows with the chord, so the entries either side of a
     * chord bound its arc. Within a step the bounds differ by about 0.05 ms near the client, 0.15 ms at
     * 16,000 km and up to 4 ms right next to the antipode, where the arc grows fastest; so the exact atan2
     * distance is left for the few clusters whose bounds overlap the k-th best.
     */
    static final class ArcTable {
        static final int STEPS = 4096;
        private static final double STEPS_PER_CHORD = STEPS / 2.0;
        private static final double[] MS = new double[STEPS + 2];

        static {
            for (int i = 0; i <= STEPS; i++) {
                MS[i] = estimatedMsForArc(2 * Math.asin(Math.min(1, i / STEPS_PER_CHORD / 2)));
            }
            MS[STEPS + 1] = MS[STEPS];
        }

        private ArcTable() {
        }

        /** The step whose lower end is at or below {@code chord} (0..2 on the unit sphere). */
        static int step(double chord) {
            return Math.min(STEPS, (int) (chord * STEPS_PER_CHORD));
        }

        static double lowerMs(int step) {
            return MS[step];
        }

        static double upperMs(int step) {
            return MS[step + 1];
        }

        private static double estimatedMsForArc(double arc) {
            return NetworkLatency.estimatedRttMs(NetworkLatency.EARTH_RADIUS_KM * arc);
        }
    }

    /**
     * Per-thread working arrays of a search, so that a query allocates only its answer: the running cut and
     * the clusters kept for the exact pass.
     */
    static final class Scratch {
        final double[] unit = new double[3];
        private KBest cut = new KBest(RouteQuery.DEFAULT_LIMIT);
        int[] maybe = new int[64];
        double[] maybeLowerMs = new double[64];

        KBest cut(int k) {
            if (cut.capacity() != k) {
                cut = new KBest(k);
            }
            cut.clear();
            return cut;
        }

        /** Appends cluster {@code i} with its lower bound at position {@code n}; returns the new count. */
        int keep(int n, int i, double lowerMs) {
            if (n == maybe.length) {
                maybe = Arrays.copyOf(maybe, 2 * n);
                maybeLowerMs = Arrays.copyOf(maybeLowerMs, 2 * n);
            }
            maybe[n] = i;
            maybeLowerMs[n] = lowerMs;
            return n + 1;
        }
    }

    /** The k smallest values seen; {@link #value()} is the k-th, infinite until there are k. */
    private static final class KBest {
        private final double[] values;
        private int size;

        KBest(int k) {
            values = new double[k];
        }

        int capacity() {
            return values.length;
        }

        void clear() {
            size = 0;
        }

        double value() {
            return size < values.length ? Double.POSITIVE_INFINITY : values[size - 1];
        }

        void add(double v) {
            if (size == values.length && v >= values[size - 1]) {
                return;
            }
            int i = size < values.length ? size++ : size - 1;
            while (i > 0 && values[i - 1] > v) {
                values[i] = values[i - 1];
                i--;
            }
            values[i] = v;
        }
    }

    private Order order(GeoPoint client) {
        int cell = cell(client, ORDER_DEG);
        Order o = orders.get(cell);
        if (o == null) {
            o = computeOrder(cell);
            orders.set(cell, o); // two threads may both compute it; the results are equal
        }
        return o;
    }

    private Order computeOrder(int cell) {
        double lat = -90 + (cell / ORDER_LON_CELLS + 0.5) * ORDER_DEG;
        double lon = -180 + (cell % ORDER_LON_CELLS + 0.5) * ORDER_DEG;
        double[] u = NetworkLatency.unit(new GeoPoint(lat, lon));
        int n = bucketMinPenaltyMs.length;
        Integer[] ids = new Integer[n];
        double[] bound = new double[n];
        for (int b = 0; b < n; b++) {
            ids[b] = b;
            int at = b * SHAPE;
            double gap = chord(u[0], u[1], u[2], bucketShape[at], bucketShape[at + 1], bucketShape[at + 2]) - ORDER_CELL_CHORD
                    - bucketShape[at + 3];
            bound[b] = estimatedMs(Math.max(0, gap)) + bucketMinPenaltyMs[b];
        }
        Arrays.sort(ids, Comparator.comparingDouble(b -> bound[b]));
        int[] buckets = new int[n];
        double[] sorted = new double[n];
        for (int j = 0; j < n; j++) {
            buckets[j] = ids[j];
            sorted[j] = bound[ids[j]];
        }
        return new Order(buckets, sorted);
    }

    /**
     * The estimated round trip to a point {@code chord} away on the unit sphere, along the arc ({@code 2 asin(chord / 2)});
     * for a lower bound of the chord, a lower bound of the round trip.
     */
    private static double estimatedMs(double chord) {
        return NetworkLatency.estimatedRttMs(NetworkLatency.EARTH_RADIUS_KM * 2 * Math.asin(Math.min(1, chord / 2)));
    }

    private static double chord(double ax, double ay, double az, double bx, double by, double bz) {
        double dx = ax - bx;
        double dy = ay - by;
        double dz = az - bz;
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    private static int cell(GeoPoint p, double deg) {
        int lats = (int) (180 / deg);
        int lons = (int) (360 / deg);
        int i = Math.min(lats - 1, (int) Math.floor((p.lat() + 90) / deg));
        int j = Math.min(lons - 1, (int) Math.floor((p.lon() + 180) / deg));
        return i * lons + j;
    }
}
