package io.github.fusedopt.dl4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Java snippet of {@code docs/dl4j.md}, a whole class with {@code main}, compiled against this
 * module's class path with {@code -Werror} and run. The core's {@code DocSnippetsTest} leaves this
 * page to this module, the one that has DL4J.
 */
class DocSnippetTest {

    static final Path PAGE = Path.of(System.getProperty("user.dir")).resolve("../../docs/dl4j.md").normalize();
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("(?m)^public class (\\w+)");

    @Test
    void theDocsExampleCompilesAndTrains(@TempDir Path work) throws Exception {
        List<String> snippets = snippets();
        assertFalse(snippets.isEmpty(), PAGE + " holds a Java snippet");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> names = new ArrayList<>();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-Xlint:all,-path,-processing,-classfile", "-Werror", "-proc:none",
                "-cp", System.getProperty("java.class.path"), "-d", classes.toString()));
        for (int i = 0; i < snippets.size(); i++) {
            Matcher m = CLASS_NAME.matcher(snippets.get(i));
            assertTrue(m.find(), "snippet " + i + " of " + PAGE + " is a public class with main");
            Path source = Files.createDirectories(work.resolve("src" + i)).resolve(m.group(1) + ".java");
            Files.writeString(source, snippets.get(i));
            command.add(source.toString());
            names.add(m.group(1));
        }
        Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(javac.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, javac.exitValue(), "a snippet of " + PAGE + " does not compile:\n" + output);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                DocSnippetTest.class.getClassLoader())) {
            for (String name : names) {
                try {
                    loader.loadClass(name).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
                } catch (InvocationTargetException e) {
                    throw new AssertionError(name + " threw", e.getCause());
                }
            }
        }
    }

    static List<String> snippets() throws IOException {
        List<String> snippets = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(Files.readString(PAGE));
        while (m.find()) {
            snippets.add(m.group(1));
        }
        return snippets;
    }
}
