package io.flotilla.policy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Immutable copies with a stable order, so that records built from maps compare and print deterministically. */
final class Collections2 {
    private Collections2() {
    }

    static SortedMap<String, String> sortedCopy(Map<String, String> map) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(map == null ? Map.of() : map));
    }

    static <T> List<T> listCopy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
