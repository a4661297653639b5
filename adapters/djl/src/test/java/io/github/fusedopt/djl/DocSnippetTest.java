package io.github.fusedopt.djl;

import io.github.fusedopt.adapters.testing.DocSnippets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The examples of {@code docs/djl.md}, compiled and run. */
class DocSnippetTest {

    @Test
    void theDocsExamplesCompileAndTrain(@TempDir Path work) throws Exception {
        DocSnippets.compileAndRun("djl.md", work);
    }
}
