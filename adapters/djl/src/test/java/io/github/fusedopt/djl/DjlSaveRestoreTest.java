package io.github.fusedopt.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.github.fusedopt.Adam;
import io.github.fusedopt.AdamL;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.StateFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A run saved in DJL's formats (the parameters by {@code Model.save}, the optimizer's state by
 * {@link FusedOptimizer#saveState}, an {@code NDList}) and restored into a new model continues as
 * if uninterrupted: after 120 + 80 steps the parameters equal those of 200 straight steps, bit for bit.
 */
class DjlSaveRestoreTest {

    @Test
    void aRestoredRunContinuesAsIfUninterrupted(@TempDir Path dir) throws IOException, MalformedModelException {
        Tracker tracker = Tracker.factor().setBaseValue(5e-3f).setFactor(0.995f).build();
        for (Optimizer rule : List.of(Adam.builder().build(), AdamL.builder().build(),
                AdamL.builder().stateFormat(StateFormat.BF16).roundingSeed(5).build())) {
            Supplier<FusedOptimizer> fresh = () -> FusedOptimizer.builder(rule).optLearningRateTracker(tracker).build();
            List<float[]> straight = run(fresh.get(), null, 0, 200, null);
            Path saved = Files.createDirectories(dir.resolve(rule.kind().id()));
            run(fresh.get(), null, 0, 120, saved);
            List<float[]> resumed = run(fresh.get(), saved, 120, 200, null);
            assertEquals(straight.size(), resumed.size());
            for (int i = 0; i < straight.size(); i++) {
                assertArrayEquals(straight.get(i), resumed.get(i), rule + ": parameter " + i);
            }
        }
    }

    /** Steps {@code from} to {@code to}, from {@code restoreFrom} if given; saves to {@code saveTo} if given. */
    private static List<float[]> run(FusedOptimizer optimizer, Path restoreFrom, int from, int to, Path saveTo)
            throws IOException, MalformedModelException {
        Engine.getInstance().setRandomSeed(42);
        try (Model model = Model.newInstance("mlp", Device.cpu())) {
            model.setBlock(DjlNetworks.block());
            if (restoreFrom != null) {
                model.load(restoreFrom, "mlp");   // before the trainer, which binds the parameters' arrays
            }
            try (Trainer trainer = model.newTrainer(DjlNetworks.config(optimizer))) {
                trainer.initialize(new Shape(DjlNetworks.BATCH, DjlNetworks.FEATURES));
                if (restoreFrom != null) {
                    try (var in = Files.newInputStream(restoreFrom.resolve("optimizer.ndlist"))) {
                        optimizer.loadState(model.getBlock(), in);
                    }
                }
                DjlNetworks.steps(trainer, from, to, new double[to], optimizer::loss);
                if (saveTo != null) {
                    model.save(saveTo, "mlp");
                    try (OutputStream out = Files.newOutputStream(saveTo.resolve("optimizer.ndlist"))) {
                        optimizer.saveState(model.getBlock(), out);
                    }
                }
                List<float[]> parameters = new ArrayList<>();
                for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                    parameters.add(p.getValue().getArray().toFloatArray());
                }
                return parameters;
            }
        }
    }

    @Test
    void aStateOfAnotherShapeIsRefusedAndChangesNothing() throws IOException {
        FusedOptimizer adam = FusedOptimizer.builder(Adam.builder().build()).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Model model = Model.newInstance("mlp", Device.cpu())) {
            model.setBlock(DjlNetworks.block());
            try (Trainer trainer = model.newTrainer(DjlNetworks.config(adam))) {
                trainer.initialize(new Shape(DjlNetworks.BATCH, DjlNetworks.FEATURES));
                DjlNetworks.steps(trainer, 0, 2, new double[2], loss -> { });
                adam.saveState(model.getBlock(), bytes);
            }
        }
        FusedOptimizer other = FusedOptimizer.builder(Adam.builder().amsGrad(true).build()).build();
        try (Model model = Model.newInstance("mlp", Device.cpu())) {
            model.setBlock(DjlNetworks.block());
            try (Trainer trainer = model.newTrainer(DjlNetworks.config(other))) {
                trainer.initialize(new Shape(DjlNetworks.BATCH, DjlNetworks.FEATURES));
                IOException e = assertThrows(IOException.class,
                        () -> other.loadState(model.getBlock(), new ByteArrayInputStream(bytes.toByteArray())));
                assertEquals(true, e.getMessage().contains("/2"), e.getMessage());   // AMSGrad's third slot
                assertThrows(IOException.class, () -> other.loadState(model.getBlock(),
                        new ByteArrayInputStream(new byte[] {1, 2, 3})));
                assertEquals(0, other.states().size(), "nothing restored");
            }
        }
    }
}
