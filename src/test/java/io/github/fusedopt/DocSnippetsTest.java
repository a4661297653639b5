package io.github.fusedopt;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Java snippet of the README and of {@code docs/}, compiled and run, so that none can drift
 * from the API. A snippet is either a whole compilation unit with a {@code main} method, or
 * statements, which run as the body of a method with the library's package and a few JDK packages
 * imported. Every name a snippet uses is defined in it.
 */
class DocSnippetsTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir"));
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("(?m)^(?:public )?(?:final )?class (\\w+)");
    private static final String IMPORTS = String.join("\n", "import io.github.fusedopt.*;",
            "import java.lang.foreign.*;", "import java.nio.*;", "import java.nio.file.*;", "import java.util.*;",
            "import java.util.concurrent.*;", "import java.util.function.*;", "");

    /** Pages whose snippets need a framework: each adapter's module compiles and runs them. */
    static final List<String> ADAPTER_PAGES = List.of("dl4j.md", "djl.md");

    @TempDir
    static Path work;

    record Snippet(Path file, int line, String code) {
        boolean wholeUnit() {
            return CLASS_NAME.matcher(code).find();
        }

        String name() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    static List<Snippet> snippets() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md") && !ADAPTER_PAGES.contains(p.getFileName().toString()))
                    .sorted().forEach(files::add);
        }
        List<Snippet> snippets = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher m = JAVA_BLOCK.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                snippets.add(new Snippet(file, line, m.group(1)));
            }
        }
        return snippets;
    }

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetCompilesAndRuns() throws Exception {
        List<Snippet> snippets = snippets();
        assertFalse(snippets.isEmpty(), "the docs hold Java snippets");
        List<String> classNames = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        Path src = Files.createDirectories(work.resolve("src"));
        for (int i = 0; i < snippets.size(); i++) {
            Snippet s = snippets.get(i);
            String name;
            String unit;
            if (s.wholeUnit()) {
                Matcher m = CLASS_NAME.matcher(s.code());
                assertTrue(m.find());
                name = m.group(1);
                unit = s.code();
            } else {
                name = "Snippet";
                unit = IMPORTS + "public final class Snippet {\n    public static void run() throws Exception {\n"
                        + s.code() + "\n    }\n}\n";
            }
            // Each snippet in a package of its own, so that two may use the same class name.
            Path source = Files.createDirectories(src.resolve("s" + i)).resolve(name + ".java");
            Files.writeString(source, "// " + s.name() + "\npackage s" + i + ";\n" + unit);
            sources.add(source);
            classNames.add("s" + i + "." + name);
        }
        Path classes = Files.createDirectories(work.resolve("classes"));
        compile(sources, classes);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            Snippet s = snippets.get(i);
            String className = classNames.get(i);
            tests.add(DynamicTest.dynamicTest(s.name(), () -> run(classes, className, s.wholeUnit())));
        }
        return tests.stream();
    }

    /** The JDK's javac (the one running the tests: JDK 25), warnings as errors, all snippets at once. */
    private static void compile(List<Path> sources, Path classes) throws Exception {
        Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
        List<String> command = new ArrayList<>(List.of(javac.toString(), "-Xlint:all", "-Werror", "-proc:none",
                "-cp", ROOT.resolve("target/classes").toString(), "-d", classes.toString()));
        sources.forEach(source -> command.add(source.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "javac finished");
        assertEquals(0, p.exitValue(), "a snippet does not compile (its first line names where it comes from):\n"
                + output);
    }

    private static void run(Path classes, String className, boolean wholeUnit) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                DocSnippetsTest.class.getClassLoader())) {
            Class<?> type = loader.loadClass(className);
            Method entry = wholeUnit ? type.getMethod("main", String[].class) : type.getMethod("run");
            try {
                entry.invoke(null, wholeUnit ? new Object[] {new String[0]} : new Object[0]);
            } catch (InvocationTargetException e) {
                throw new AssertionError(className + " threw", e.getCause());
            }
        }
    }
}
