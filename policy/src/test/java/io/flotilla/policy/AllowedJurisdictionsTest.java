package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllowedJurisdictionsTest {

    private final JurisdictionCatalog catalog = JurisdictionCatalog.builtIn();

    @ParameterizedTest(name = "{0} within {1}: {2}")
    @CsvSource({
            "EU,          EU,        true",
            "DE,          EU,        true",
            "DE FR,       EU,        true",
            "DE-BY,       EU,        true",
            "DE-BY,       DE,        true",
            "EU,          EEA,       true",
            "EEA,         EU,        false",
            "US,          EU,        false",
            "DE US,       EU,        false",
            "IN,          IN-MH,     false",
            "IN-MH,       IN-MH,     true",
            "IN-MH,       IN,        true",
            "IN-KA,       IN-MH,     false",
            "IN-MH IN-KA, IN-MH,     false",
            "IN-MH,       IN-MH DE,  true",
            "GB,          FIVE_EYES, true",
            "US-NY,       FIVE_EYES, true",
    })
    void aRequestOnlyNarrowsWhatItsTenantAllows(String requested, String ceiling, boolean expected) {
        assertThat(allowed(requested).within(allowed(ceiling))).isEqualTo(expected);
    }

    @Test
    void everySetIsWithinItselfWhateverTheNamesUsed() {
        AllowedJurisdictions eu = allowed("EU");
        assertThat(eu.within(eu)).isTrue();
        assertThat(eu.within(catalog.allowed(List.copyOf(catalog.group("EU").orElseThrow())))).isTrue();
    }

    private AllowedJurisdictions allowed(String codes) {
        return catalog.allowed(List.of(codes.trim().split(" +")));
    }
}
