package io.tidemq.client.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java samples of docs/client.md and README.md compile as shown, imports included, against the client: each
 * {@code ```java} block is a whole source file. And the README's documentation table names every guide of docs/.
 */
class DocSamplesCompileTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("(?m)^public (?:final )?(?:class|interface|record|enum) (\\w+)");

    static List<String> samples(Path markdown) throws IOException {
        List<String> samples = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(Files.readString(markdown, StandardCharsets.UTF_8));
        while (m.find()) {
            samples.add(m.group(1));
        }
        return samples;
    }

    @Test
    void everyJavaSampleOfTheClientGuideAndTheReadmeCompilesAsShown(@TempDir Path dir) throws IOException {
        List<Path> sources = new ArrayList<>();
        for (Path doc : List.of(ROOT.resolve("docs/client.md"), ROOT.resolve("README.md"))) {
            for (String sample : samples(doc)) {
                Matcher name = CLASS_NAME.matcher(sample);
                assertThat(name.find()).as("a sample of %s is not a whole file with a public class:%n%s", doc, sample)
                        .isTrue();
                Path file = dir.resolve(doc.getFileName() + "-" + sources.size()).resolve(name.group(1) + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, sample, StandardCharsets.UTF_8);
                sources.add(file);
            }
        }
        assertThat(sources).as("docs/client.md has samples").hasSizeGreaterThanOrEqualTo(4);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            for (Path source : sources) {
                boolean ok = javac.getTask(null, files, diagnostics,
                        List.of("-classpath", classpath, "-d", dir.resolve("classes").toString(), "-proc:none"), null,
                        files.getJavaFileObjects(source)).call();
                List<String> errors = diagnostics.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> d.getSource() + ":" + d.getLineNumber() + ": " + d.getMessage(null)).toList();
                assertThat(errors).as("sample %s", source.getParent().getFileName()).isEmpty();
                assertThat(ok).isTrue();
            }
        }
    }

    @Test
    void theReadmeDocumentationTableListsEveryGuide() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md"))
                    .map(p -> "docs/" + p.getFileName())
                    .filter(name -> !readme.contains("`" + name + "`"))
                    .sorted().forEach(missing::add);
        }
        assertThat(missing).as("guides in docs/ the README's documentation table does not list").isEmpty();
    }
}
