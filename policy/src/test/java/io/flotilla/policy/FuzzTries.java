package io.flotilla.policy;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Objects;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Sets the tries of the fuzzing properties of a test class from {@code -Dflotilla.fuzz.tries=N}: the normal build keeps
 * each property's own small count; a long run gives the class N inputs in all, shared among its properties in
 * proportion to their own counts, so that the costly ones keep their smaller share (docs/security.md, "Fuzzing").
 */
final class FuzzTries implements AroundPropertyHook {

    static final String PROPERTY = "flotilla.fuzz.tries";

    /** Added to a test class, it applies to every property inside. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        String total = System.getProperty(PROPERTY, "").trim();
        if (!total.isEmpty()) {
            int own = context.targetMethod().getAnnotation(Property.class).tries();
            int all = Arrays.stream(context.containerClass().getDeclaredMethods())
                    .map((Method m) -> m.getAnnotation(Property.class)).filter(Objects::nonNull).mapToInt(Property::tries).sum();
            context.attributes().setTries((int) Math.max(1, Math.ceil((double) Long.parseLong(total) * own / all)));
        }
        return property.execute();
    }
}
