package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void controlCharactersAndBidiOverridesBecomeVisibleEscapes() {
        assertThat(TerminalText.escape("a\nINFO forged\r\u001b[2Jb\u0007")).isEqualTo("a\\nINFO forged\\r\\x1b[2Jb\\x07");
        assertThat(TerminalText.escape("x\u009by\u007f")).isEqualTo("x\\x9by\\x7f");
        assertThat(TerminalText.escape("eu\u202egnp.exe")).isEqualTo("eu\\u202egnp.exe");
        assertThat(TerminalText.escape("tab\there")).isEqualTo("tab\\there");
    }

    @Test
    void ordinaryTextPassesUnchanged() {
        String text = "frankfurt-1 Zürich 東京 ✓";
        assertThat(TerminalText.escape(text)).isSameAs(text);
        assertThat(TerminalText.escape(null)).isNull();
    }
}
