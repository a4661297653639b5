package io.github.fusedopt.adapters.testing;

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
 * The Java snippets of an adapter's page in {@code docs/}, each a whole public class with
 * {@code main}, compiled against the calling module's test class path with {@code -Werror} and run.
 * The core's {@code DocSnippetsTest} leaves these pages to the modules that have the frameworks.
 */
public final class DocSnippets {

    private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("(?m)^public class (\\w+)");

    private DocSnippets() {
    }

    /**
     * Compiles and runs every Java snippet of {@code docs/<page>}.
     *
     * @param page the page's file name, as {@code "dl4j.md"}
     * @param work an empty directory for sources and classes
     * @throws Exception if reading, compiling or running fails
     */
    public static void compileAndRun(String page, Path work) throws Exception {
        Path file = Path.of(System.getProperty("user.dir")).resolve("../../docs").resolve(page).normalize();
        List<String> snippets = snippets(file);
        assertFalse(snippets.isEmpty(), file + " holds a Java snippet");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> names = new ArrayList<>();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-Xlint:all,-path,-processing,-classfile", "-Werror", "-proc:none",
                "-cp", System.getProperty("java.class.path"), "-d", classes.toString()));
        for (int i = 0; i < snippets.size(); i++) {
            Matcher m = CLASS_NAME.matcher(snippets.get(i));
            assertTrue(m.find(), "snippet " + i + " of " + file + " is a public class with main");
            Path source = Files.createDirectories(work.resolve("src" + i)).resolve(m.group(1) + ".java");
            Files.writeString(source, snippets.get(i));
            command.add(source.toString());
            names.add(m.group(1));
        }
        Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(javac.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, javac.exitValue(), "a snippet of " + file + " does not compile:\n" + output);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                Thread.currentThread().getContextClassLoader())) {
            for (String name : names) {
                try {
                    loader.loadClass(name).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
                } catch (InvocationTargetException e) {
                    throw new AssertionError(name + " threw", e.getCause());
                }
            }
        }
    }

    private static List<String> snippets(Path file) throws IOException {
        List<String> snippets = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(Files.readString(file));
        while (m.find()) {
            snippets.add(m.group(1));
        }
        return snippets;
    }
}
