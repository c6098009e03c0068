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
    void controlCharactersFromTheServerCannotRewriteTheTerminal() {
        String text = new Table("ID", "ERROR").row("c1", "bad\n\u001b[2Jforged").render();

        assertThat(text).isEqualTo("""
                ID   ERROR
                c1   bad\\n\\x1b[2Jforged
                """);
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one")).isInstanceOf(IllegalArgumentException.class);
    }
}
