package io.github.fusedopt.kernel;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link StepScalars#copyFrom} copies every per-step field, so parallel workers see the caller's scalars. */
class StepScalarsTest {

    @Test
    void copyFromCopiesEveryScalarField() throws IllegalAccessException {
        // Many random pairs, so that a field left out is caught even where two values agree by chance.
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 50; i++) {
            StepScalars original = KernelExactnessTest.randomScalars(random);
            StepScalars copy = KernelExactnessTest.randomScalars(random);
            copy.copyFrom(original);
            int compared = 0;
            for (Field field : StepScalars.class.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || !field.getType().isPrimitive()) {
                    continue;
                }
                field.setAccessible(true);
                assertEquals(field.get(original), field.get(copy), field.getName());
                compared++;
            }
            assertEquals(15, compared, "scalar fields compared");
        }
    }
}
