package io.flotilla.proto.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SchemaCompatibilityTest {

    private static final FileDescriptorSet SCHEMA = WireRecording.currentSchema();

    @Test
    void theSameSchemaIsCompatible() {
        assertThat(SchemaCompatibility.problems(SCHEMA, SCHEMA)).isEmpty();
    }

    @Test
    void addingAFieldAndRenamingOneAreCompatible() {
        var changed = withMessage("DesiredState", m -> m
                .addField(FieldDescriptorProto.newBuilder().setName("rollout_hint").setNumber(99).setType(Type.TYPE_STRING)
                        .setLabel(Label.LABEL_OPTIONAL))
                .setField(0, m.getField(0).toBuilder().setName("cluster"))
                .build());

        assertThat(SchemaCompatibility.problems(SCHEMA, changed)).isEmpty();
    }

    @Test
    void aRemovedFieldMustHaveItsNumberReserved() {
        var removed = withMessage("DesiredState", m -> m.removeField(fieldIndex(m, "generation")).build());
        var reserved = withMessage("DesiredState", m -> m.removeField(fieldIndex(m, "generation"))
                .addReservedRange(DescriptorProto.ReservedRange.newBuilder().setStart(2).setEnd(3)).build());

        assertThat(SchemaCompatibility.problems(SCHEMA, removed))
                .containsExactly(".flotilla.v1.DesiredState.generation (2) was removed without reserving its number");
        assertThat(SchemaCompatibility.problems(SCHEMA, reserved)).isEmpty();
    }

    @Test
    void aChangedEncodingTypeOrCardinalityIsReported() {
        var changed = withMessage("DesiredState", m -> m
                .setField(fieldIndex(m, "generation"), m.getField(fieldIndex(m, "generation")).toBuilder().setType(Type.TYPE_SINT64))
                .setField(fieldIndex(m, "cluster_id"), m.getField(fieldIndex(m, "cluster_id")).toBuilder().setLabel(Label.LABEL_REPEATED))
                .build());
        var widened = withMessage("DesiredState", m -> m
                .setField(fieldIndex(m, "generation"), m.getField(fieldIndex(m, "generation")).toBuilder().setType(Type.TYPE_UINT64))
                .build());

        assertThat(SchemaCompatibility.problems(SCHEMA, changed)).containsExactlyInAnyOrder(
                ".flotilla.v1.DesiredState.generation (2) changed its type: TYPE_INT64 -> TYPE_SINT64",
                ".flotilla.v1.DesiredState.cluster_id (1) changed between singular and repeated");
        assertThat(SchemaCompatibility.problems(SCHEMA, widened)).isEmpty();
    }

    @Test
    void aRemovedEnumValueOrMessageIsReported() {
        var changed = FileDescriptorSet.newBuilder(SCHEMA);
        for (FileDescriptorProto.Builder file : changed.getFileBuilderList()) {
            for (int i = file.getMessageTypeCount() - 1; i >= 0; i--) {
                if (file.getMessageType(i).getName().equals("Presence")) {
                    file.removeMessageType(i);
                }
            }
            file.getEnumTypeBuilderList().stream().filter(e -> e.getName().equals("WorkloadCondition"))
                    .forEach(e -> e.removeValue(e.getValueCount() - 1));
        }

        assertThat(SchemaCompatibility.problems(SCHEMA, changed.build())).contains(
                "message .flotilla.v1.Presence was removed",
                ".flotilla.v1.WorkloadCondition.WORKLOAD_CONDITION_DEGRADED (3) was removed without reserving its number");
    }

    private static FileDescriptorSet withMessage(String name, Function<DescriptorProto.Builder, DescriptorProto> change) {
        var set = FileDescriptorSet.newBuilder(SCHEMA);
        for (FileDescriptorProto.Builder file : set.getFileBuilderList()) {
            for (int i = 0; i < file.getMessageTypeCount(); i++) {
                if (file.getMessageType(i).getName().equals(name)) {
                    file.setMessageType(i, change.apply(file.getMessageType(i).toBuilder()));
                }
            }
        }
        return set.build();
    }

    private static int fieldIndex(DescriptorProto.Builder message, String field) {
        for (int i = 0; i < message.getFieldCount(); i++) {
            if (message.getField(i).getName().equals(field)) {
                return i;
            }
        }
        throw new IllegalArgumentException(message.getName() + " has no field " + field);
    }
}
