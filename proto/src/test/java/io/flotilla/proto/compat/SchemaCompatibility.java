package io.flotilla.proto.compat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Whether a newer schema still reads what an older one wrote, and the other way round: every field of the old
 * schema keeps its number with a type of the same wire encoding and the same cardinality (or its number is
 * reserved), every message and enum still exists, and every enum number keeps its meaning. Names may change (the
 * wire carries numbers); a field or value may be added. These are the rules of protobuf's wire compatibility, the
 * same that {@code buf breaking --use WIRE} applies.
 */
final class SchemaCompatibility {

    private SchemaCompatibility() {
    }

    /** The problems, each naming the element and what changed; empty when {@code current} is compatible with {@code old}. */
    static List<String> problems(FileDescriptorSet old, FileDescriptorSet current) {
        Map<String, DescriptorProto> currentMessages = new LinkedHashMap<>();
        Map<String, EnumDescriptorProto> currentEnums = new LinkedHashMap<>();
        index(current, currentMessages, currentEnums);
        Map<String, DescriptorProto> oldMessages = new LinkedHashMap<>();
        Map<String, EnumDescriptorProto> oldEnums = new LinkedHashMap<>();
        index(old, oldMessages, oldEnums);

        List<String> problems = new ArrayList<>();
        oldMessages.forEach((name, was) -> {
            DescriptorProto now = currentMessages.get(name);
            if (now == null) {
                problems.add("message " + name + " was removed");
            } else {
                compareFields(name, was, now, problems::add);
            }
        });
        oldEnums.forEach((name, was) -> {
            EnumDescriptorProto now = currentEnums.get(name);
            if (now == null) {
                problems.add("enum " + name + " was removed");
            } else {
                compareValues(name, was, now, problems::add);
            }
        });
        return problems;
    }

    private static void compareFields(String message, DescriptorProto was, DescriptorProto now, Consumer<String> problem) {
        for (FieldDescriptorProto old : was.getFieldList()) {
            String where = message + "." + old.getName() + " (" + old.getNumber() + ")";
            FieldDescriptorProto same = now.getFieldList().stream().filter(f -> f.getNumber() == old.getNumber()).findFirst().orElse(null);
            if (same == null) {
                if (!reserved(now, old.getNumber())) {
                    problem.accept(where + " was removed without reserving its number");
                }
                continue;
            }
            if (encoding(old.getType()) != encoding(same.getType())) {
                problem.accept(where + " changed its wire type: " + old.getType() + " -> " + same.getType());
            } else if (old.getType() != same.getType() && !interchangeable(old.getType(), same.getType())) {
                problem.accept(where + " changed its type: " + old.getType() + " -> " + same.getType());
            }
            if ((old.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) != (same.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED)) {
                problem.accept(where + " changed between singular and repeated");
            }
            if (!old.getTypeName().equals(same.getTypeName())) {
                problem.accept(where + " changed its message or enum type: " + old.getTypeName() + " -> " + same.getTypeName());
            }
        }
    }

    private static void compareValues(String name, EnumDescriptorProto was, EnumDescriptorProto now, Consumer<String> problem) {
        for (EnumValueDescriptorProto old : was.getValueList()) {
            boolean kept = now.getValueList().stream().anyMatch(v -> v.getNumber() == old.getNumber())
                    || now.getReservedRangeList().stream().anyMatch(r -> old.getNumber() >= r.getStart() && old.getNumber() <= r.getEnd());
            if (!kept) {
                problem.accept(name + "." + old.getName() + " (" + old.getNumber() + ") was removed without reserving its number");
            }
        }
    }

    private static boolean reserved(DescriptorProto message, int number) {
        // a message's reserved ranges end exclusive, an enum's inclusive
        return message.getReservedRangeList().stream().anyMatch(r -> number >= r.getStart() && number < r.getEnd());
    }

    /** The wire encoding a type uses: a changed encoding makes old readers fail or misread. */
    private static int encoding(Type type) {
        return switch (type) {
            case TYPE_INT32, TYPE_INT64, TYPE_UINT32, TYPE_UINT64, TYPE_SINT32, TYPE_SINT64, TYPE_BOOL, TYPE_ENUM -> 0;
            case TYPE_FIXED64, TYPE_SFIXED64, TYPE_DOUBLE -> 1;
            case TYPE_STRING, TYPE_BYTES, TYPE_MESSAGE -> 2;
            case TYPE_GROUP -> 3;
            case TYPE_FIXED32, TYPE_SFIXED32, TYPE_FLOAT -> 5;
        };
    }

    /**
     * Same encoding and the same values: int32/int64/uint32/uint64/bool/enum read each other's varints (protobuf
     * truncates like a C cast), string and bytes are the same bytes. Zigzag, fixed-width and float types do not mix.
     */
    private static boolean interchangeable(Type a, Type b) {
        return varint(a) && varint(b) || lengthDelimitedScalar(a) && lengthDelimitedScalar(b);
    }

    private static boolean varint(Type t) {
        return t == Type.TYPE_INT32 || t == Type.TYPE_INT64 || t == Type.TYPE_UINT32 || t == Type.TYPE_UINT64
                || t == Type.TYPE_BOOL || t == Type.TYPE_ENUM;
    }

    private static boolean lengthDelimitedScalar(Type t) {
        return t == Type.TYPE_STRING || t == Type.TYPE_BYTES;
    }

    private static void index(FileDescriptorSet set, Map<String, DescriptorProto> messages, Map<String, EnumDescriptorProto> enums) {
        for (FileDescriptorProto file : set.getFileList()) {
            if (!file.getPackage().startsWith("flotilla.")) {
                continue; // google/protobuf well-known types evolve under protobuf's own rules
            }
            String prefix = "." + file.getPackage() + ".";
            file.getMessageTypeList().forEach(m -> indexMessage(prefix + m.getName(), m, messages, enums));
            file.getEnumTypeList().forEach(e -> enums.put(prefix + e.getName(), e));
        }
    }

    private static void indexMessage(String name, DescriptorProto m, Map<String, DescriptorProto> messages,
            Map<String, EnumDescriptorProto> enums) {
        messages.put(name, m);
        m.getNestedTypeList().forEach(n -> indexMessage(name + "." + n.getName(), n, messages, enums));
        m.getEnumTypeList().forEach(e -> enums.put(name + "." + e.getName(), e));
    }
}
