package io.github.fusedopt.dl4j;

import io.github.fusedopt.adapters.testing.DocSnippets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The examples of {@code docs/dl4j.md}, compiled and run. */
class DocSnippetTest {

    @Test
    void theDocsExamplesCompileAndTrain(@TempDir Path work) throws Exception {
        DocSnippets.compileAndRun("dl4j.md", work);
    }
}
