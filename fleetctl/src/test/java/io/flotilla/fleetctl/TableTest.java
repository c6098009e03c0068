package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void alignsColumnsToTheWidestCellAndTrimsTrailingSpace() {
        String text = new Table("A", "LONG HEADER", "C").row("wide cell", "x", "").row("b", null, 42).render();

        assertThat(text).isEqualTo("""
                A           LONG HEADER   C
                wide cell   x
                b                         42
                """);
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one")).isInstanceOf(IllegalArgumentException.class);
    }
}
