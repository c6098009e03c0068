package io.flotilla.policy;

import io.flotilla.policy.schema.PolicySchema;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Parses and validates policy files. Never throws for bad input: every problem, in every file of the set,
 * comes back as a {@link PolicyError} with file, line, column and field path, and so does every warning.
 * Thread-safe.
 */
public final class PolicyParser {

    private final JurisdictionCatalog jurisdictions;
    private final Sites sites;
    private final ParserLimits limits;
    private final ImagePolicy imagePolicy;

    public PolicyParser(JurisdictionCatalog jurisdictions, Sites sites, ParserLimits limits) {
        this(jurisdictions, sites, limits, ImagePolicy.NONE);
    }

    private PolicyParser(JurisdictionCatalog jurisdictions, Sites sites, ParserLimits limits, ImagePolicy imagePolicy) {
        this.jurisdictions = jurisdictions;
        this.sites = sites;
        this.limits = limits;
        this.imagePolicy = imagePolicy;
    }

    /**
     * This parser, also refusing images that the fleet's image policy does not allow. For policies entering
     * the fleet; stored revisions are read without it, so that tightening the policy never makes one unreadable.
     */
    public PolicyParser withImagePolicy(ImagePolicy policy) {
        return new PolicyParser(jurisdictions, sites, limits, policy);
    }

    /** With the built-in jurisdiction groups and sites and the default limits. */
    public static PolicyParser standard() {
        return new PolicyParser(JurisdictionCatalog.builtIn(), Sites.builtIn(), ParserLimits.DEFAULT);
    }

    public PolicySet parse(String fileName, String text) {
        return parse(List.of(new PolicySource(fileName, text)));
    }

    /** Parses the sources as one set: policy names must be unique across all of them. */
    public PolicySet parse(List<PolicySource> sources) {
        var policies = new ArrayList<FleetPolicy>();
        var errors = new ArrayList<PolicyError>();
        var warnings = new ArrayList<PolicyError>();
        Map<String, PolicyError> firstName = new HashMap<>();
        for (PolicySource source : sources) {
            var fileErrors = new ArrayList<PolicyError>();
            var fileWarnings = new ArrayList<PolicyError>();
            for (Located located : parseFile(source, fileErrors, fileWarnings)) {
                String name = located.policy().name();
                PolicyError first = firstName.get(name);
                if (first != null) {
                    fileErrors.add(new PolicyError(source.name(), located.nameLine(), located.nameColumn(), "metadata.name",
                            "duplicate policy name '" + name + "' (first defined at " + first.file() + ":" + first.line() + ":" + first.column() + ")"));
                } else {
                    firstName.put(name, new PolicyError(source.name(), located.nameLine(), located.nameColumn(), "", ""));
                    policies.add(located.policy());
                }
            }
            fileErrors.sort(Comparator.comparingInt(PolicyError::line).thenComparingInt(PolicyError::column));
            fileWarnings.sort(Comparator.comparingInt(PolicyError::line).thenComparingInt(PolicyError::column));
            errors.addAll(fileErrors);
            warnings.addAll(fileWarnings);
        }
        return new PolicySet(policies, errors, warnings);
    }

    /**
     * Reads a file, or every {@code *.yaml}, {@code *.yml} and {@code *.json} file directly inside a directory
     * (in name order), as one set. Unreadable files and oversized ones are reported as errors, and so are a
     * directory without such files and a file or directory that holds no policy at all (only comments, only
     * {@code ---}, nothing): a set to apply that holds nothing is a mistake, not a valid set.
     */
    public PolicySet parse(Path fileOrDirectory) {
        boolean directory = Files.isDirectory(fileOrDirectory);
        return readAll(fileOrDirectory).requiringAPolicy(fileOrDirectory.toString(),
                directory ? PolicySet.NO_POLICY_IN_DIRECTORY : PolicySet.NO_POLICY_IN_FILE);
    }

    private PolicySet readAll(Path fileOrDirectory) {
        List<Path> files;
        if (Files.isDirectory(fileOrDirectory)) {
            try (Stream<Path> list = Files.list(fileOrDirectory)) {
                files = list.filter(Files::isRegularFile).filter(PolicyParser::isPolicyFileName).sorted().toList();
            } catch (IOException e) {
                return failed(fileOrDirectory, "cannot list directory: " + e.getMessage());
            }
            if (files.isEmpty()) {
                return failed(fileOrDirectory, "no policy files (*.yaml, *.yml, *.json) in this directory");
            }
        } else {
            files = List.of(fileOrDirectory);
        }
        var sources = new ArrayList<PolicySource>();
        var readErrors = new ArrayList<PolicyError>();
        for (Path file : files) {
            read(file).ifPresentOrElse(sources::add,
                    () -> readErrors.add(new PolicyError(file.toString(), 1, 1, "", readProblem(file))));
        }
        PolicySet parsed = parse(sources);
        if (readErrors.isEmpty()) {
            return parsed;
        }
        var errors = new ArrayList<>(readErrors);
        errors.addAll(parsed.errors());
        return new PolicySet(parsed.policies(), errors, parsed.warnings());
    }

    private static boolean isPolicyFileName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    private Optional<PolicySource> read(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > limits.maxFileBytes()) {
                return Optional.empty();
            }
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            return Optional.of(new PolicySource(file.toString(), decoder.decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString()));
        } catch (CharacterCodingException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String readProblem(Path file) {
        try {
            if (!Files.exists(file)) {
                return "no such file";
            }
            if (!Files.isRegularFile(file)) {
                return "not a regular file";
            }
            long size = Files.size(file);
            if (size > limits.maxFileBytes()) {
                return tooLarge(size);
            }
            return "not valid UTF-8 text";
        } catch (IOException e) {
            return "cannot read: " + e.getMessage();
        }
    }

    private String tooLarge(long size) {
        return "file is larger than the limit of " + limits.maxFileBytes() + " bytes (got " + size + " bytes)";
    }

    private static PolicySet failed(Path where, String message) {
        return new PolicySet(List.of(), List.of(new PolicyError(where.toString(), 1, 1, "", message)));
    }

    private record Located(FleetPolicy policy, int nameLine, int nameColumn) {
    }

    private List<Located> parseFile(PolicySource source, List<PolicyError> errors, List<PolicyError> warnings) {
        String file = source.name();
        long bytes = StandardCharsets.UTF_8.encode(source.text()).remaining();
        if (bytes > limits.maxFileBytes()) {
            errors.add(new PolicyError(file, 1, 1, "", tooLarge(bytes)));
            return List.of();
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                .setUseMarks(true)
                .setAllowDuplicateKeys(true) // reported by NodeReader, with both lines
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(limits.maxAliases())
                .setCodePointLimit(limits.maxFileBytes())
                .build();
        if (!withinLimits(source, settings, errors)) {
            return List.of();
        }
        var result = new ArrayList<Located>();
        int valuesLeft = limits.maxValues();
        int errorsBefore = errors.size();
        try {
            for (Node root : new Compose(settings).composeAllFromString(source.text())) {
                if (root == null || NodeReader.isNull(root)) {
                    continue; // an empty document, e.g. after a trailing '---'
                }
                errorsBefore = errors.size();
                var reader = new NodeReader(file, jurisdictions, sites, imagePolicy, errors, warnings, limits, valuesLeft);
                Object value = reader.readDocument(root, PolicySchema.FLEET_POLICY);
                valuesLeft = reader.valuesLeft();
                if (value instanceof FleetPolicy policy) {
                    var loc = reader.locationOf("metadata.name");
                    result.add(new Located(policy, loc.line(), loc.column()));
                }
            }
        } catch (NodeReader.LimitReached e) {
            if (e.replacesDocumentErrors) {
                errors.subList(errorsBefore, errors.size()).clear();
            }
            errors.add(new PolicyError(file, e.where.line(), e.where.column(), "", e.getMessage()));
            return List.of();
        } catch (MarkedYamlEngineException e) {
            errors.add(syntaxError(file, e));
        } catch (YamlEngineException e) {
            errors.add(new PolicyError(file, 1, 1, "", "YAML error: " + e.getMessage()));
        }
        return result;
    }

    /**
     * Streams the events once before building any tree: syntax errors, alias count and nesting depth are
     * checked on a stream that holds nothing, so that no document can make the parser build a huge tree or
     * recurse deeply.
     */
    private boolean withinLimits(PolicySource source, LoadSettings settings, List<PolicyError> errors) {
        int depth = 0;
        int aliases = 0;
        try {
            for (Event event : new Parse(settings).parseString(source.text())) {
                Optional<String> tag = event instanceof ScalarEvent scalar ? scalar.getTag()
                        : event instanceof CollectionStartEvent collection ? collection.getTag() : Optional.empty();
                if (tag.isPresent() && !tag.get().equals(tag.get().strip())) {
                    // the composer refuses such a tag with an IllegalArgumentException, not a YAML error
                    errors.add(at(source.name(), event.getStartMark(), "YAML syntax error: the tag '" + tag.get()
                            + "' begins or ends with white space"));
                    return false;
                }
                switch (event.getEventId()) {
                    case MappingStart, SequenceStart -> {
                        if (++depth > limits.maxDepth()) {
                            errors.add(at(source.name(), event.getStartMark(), "nesting deeper than " + limits.maxDepth() + " levels"));
                            return false;
                        }
                    }
                    case MappingEnd, SequenceEnd -> depth--;
                    case Alias -> {
                        if (++aliases > limits.maxAliases()) {
                            errors.add(at(source.name(), event.getStartMark(), "more than " + limits.maxAliases()
                                    + " YAML aliases in one file; aliases are limited so that a small file cannot expand into a huge one"));
                            return false;
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (MarkedYamlEngineException e) {
            errors.add(syntaxError(source.name(), e));
            return false;
        } catch (YamlEngineException e) {
            errors.add(new PolicyError(source.name(), 1, 1, "", "YAML error: " + e.getMessage()));
            return false;
        } catch (NumberFormatException e) {
            // how snakeyaml-engine's scanner fails on a hexadecimal escape (x, u or U after a backslash) cut off by the end
            // of the text
            errors.add(atEnd(source, "YAML syntax error: the file ends inside an escape sequence"));
            return false;
        }
        return true;
    }

    private static PolicyError atEnd(PolicySource source, String message) {
        String text = source.text();
        int lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
        int line = 1 + (int) text.chars().filter(c -> c == '\n').count();
        return new PolicyError(source.name(), line, text.length() - lastBreak, "", message);
    }

    private static PolicyError at(String file, Optional<Mark> mark, String message) {
        return new PolicyError(file, mark.map(m -> m.getLine() + 1).orElse(1), mark.map(m -> m.getColumn() + 1).orElse(1), "", message);
    }

    private static PolicyError syntaxError(String file, MarkedYamlEngineException e) {
        Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() == null ? "" : e.getProblem();
        String context = e.getContext() == null ? "" : e.getContext();
        String where = e.getContextMark().filter(m -> !context.isEmpty())
                .map(m -> " (" + context + " at line " + (m.getLine() + 1) + ")").orElse("");
        return at(file, mark, "YAML syntax error: " + problem + where);
    }
}
