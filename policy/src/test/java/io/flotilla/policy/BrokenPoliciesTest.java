package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each file under broken/ comes with a sibling NAME.expected holding, line by line, exactly the errors the
 * parser must report for it. With -Dflotilla.corpus.write=true the expected files are (re)written for review.
 */
class BrokenPoliciesTest {

    static Stream<Path> brokenFiles() {
        return TestFiles.policyFiles("broken").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void reportsExactlyTheExpectedErrors(Path file) throws IOException {
        String name = file.getFileName().toString();
        PolicySet set = PolicyParser.standard().parse(name, TestFiles.read(file));
        Path expectedFile = file.resolveSibling(name.replaceFirst("\\.(yaml|json)$", ".expected"));
        if (Boolean.getBoolean("flotilla.corpus.write")) {
            Path source = TestFiles.repoRoot().resolve("policy/src/test/resources/broken").resolve(expectedFile.getFileName());
            Files.writeString(source, set.formatErrors());
        }
        assertThat(set.isValid()).as("a broken file must not validate").isFalse();
        assertThat(set.formatErrors()).isEqualTo(Files.readString(expectedFile));
    }
}
