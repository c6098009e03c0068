package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JurisdictionCatalogTest {

    private final JurisdictionCatalog catalog = JurisdictionCatalog.builtIn();

    @ParameterizedTest(name = "{0} allows {1}: {2}")
    @CsvSource({
            "EU,        DE,    true",
            "EU,        DE-BY, true",
            "EU,        NO,    false",
            "EEA,       NO,    true",
            "EU,        GB,    false",
            "FIVE_EYES, GB,    true",
            "FIVE_EYES, US-NY, true",
            "IN,        IN,    true",
            "IN,        IN-MH, true",
            "IN-MH,     IN-MH, true",
            "IN-MH,     IN-KA, false",
            "IN-MH,     IN,    false",
            "IN-MH,     MH,    false",
            "DE,        de,    false",
            "GCC,       AE,    true",
            "GCC,       '',    false",
    })
    void allowsCountriesTheirSubdivisionsAndGroupMembersOnly(String allowed, String cluster, boolean expected) {
        assertThat(catalog.allowed(List.of(allowed.split(" "))).allows(cluster)).isEqualTo(expected);
    }

    @Test
    void aClusterWithoutJurisdictionIsNeverAllowed() {
        assertThat(catalog.allowed("EU").allows(null)).isFalse();
    }

    @Test
    void printsTheNamesAsWrittenAndComparesByMeaning() {
        AllowedJurisdictions eu = catalog.allowed("EU");
        assertThat(eu).hasToString("[EU]");
        assertThat(catalog.allowed("EU", "IN-MH")).hasToString("[EU, IN-MH]");
        assertThat(eu).isEqualTo(catalog.allowed(List.copyOf(catalog.group("EU").orElseThrow())));
        assertThat(eu).isNotEqualTo(catalog.allowed("EEA"));
    }

    @Test
    void groupsComeFromTheShippedData() {
        assertThat(catalog.groupNames()).containsExactly("EEA", "EU", "FIVE_EYES", "GCC");
        assertThat(catalog.group("EU").orElseThrow()).hasSize(27).contains("DE", "FR", "IE").doesNotContain("GB", "NO", "CH");
    }

    @Test
    void rejectsUnknownCodesWithAHint() {
        assertThat(catalog.problem("eu")).contains("unknown jurisdiction 'eu', did you mean 'EU'?");
        assertThat(catalog.problem("FIVE_EYE")).contains("unknown jurisdiction 'FIVE_EYE', did you mean 'FIVE_EYES'?");
        assertThat(catalog.problem("IN-MH")).isEmpty();
        assertThatThrownBy(() -> catalog.allowed("EU", "XX")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'XX'");
    }

    @Test
    void refusesGroupsThatNameNoCountry() {
        assertThatThrownBy(() -> new JurisdictionCatalog(Map.of("NORDIC", List.of("SE", "XX"))))
                .hasMessage("group NORDIC: XX is not an ISO 3166-1 alpha-2 country code");
        assertThatThrownBy(() -> JurisdictionCatalog.fromYaml("groups: {DE: [AT]}")).hasMessageContaining("also a country");
    }
}
