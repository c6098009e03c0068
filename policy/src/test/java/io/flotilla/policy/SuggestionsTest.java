package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> SITES = Sites.builtIn().names().stream().toList();

    @Test
    void closestOffersASlipOnly() {
        assertThat(Suggestions.closest("frankfort", SITES)).contains("frankfurt");
        assertThat(Suggestions.closest("krakow", SITES)).isEmpty();
    }

    @Test
    void nearestOffersOnlyTheCloseOnesWhenThereAreAny() {
        assertThat(Suggestions.nearest("frankfort", SITES, 3)).containsExactly("frankfurt");
        assertThat(Suggestions.nearest("Bangalore", SITES, 3)).containsExactly("bengaluru", "singapore");
    }

    @Test
    void nearestOffersTheNearestByEditDistanceWhenNoneIsClose() {
        // four edits each from krakow; ties in alphabetical order
        assertThat(Suggestions.nearest("krakow", SITES, 3)).containsExactly("dhaka", "karachi", "lagos");
        assertThat(Suggestions.nearest("krakow", List.of(), 3)).isEmpty();
    }

    @Test
    void nearestNeverOffersTheInputItself() {
        assertThat(Suggestions.nearest("paris", List.of("paris", "pariss"), 3)).containsExactly("pariss");
    }
}
