package io.tidemq.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The distribution's logging set-up (what its logback.xml held): one STDERR console appender, the root at
 * {@code -Dtidemq.log.level} (INFO when unset), the console's HTTP server (Javalin, Jetty) at WARN.
 *
 * <p>Why code and not logback.xml: logback reads an XML file through Joran and the JDK's XML parser, which loaded
 * about 350 classes and spun logback's lambdas in every fresh JVM of the distribution (each CLI command, each bench
 * client): a third of the main thread's start-up and compiler work that scaled with nothing the command did
 * (docs/benchmarks.md, "What a fresh client JVM compiles"). Found by logback through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}.
 *
 * <p>An operator's own file still wins: with {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} on
 * the class path (the tests'), this configurator steps aside and logback reads that file as before.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    static final String LEVEL_PROPERTY = "tidemq.log.level";
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (operatorFileGiven()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, System.getProperty(LEVEL_PROPERTY));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** A logback file logback would read itself: {@code -Dlogback.configurationFile}, or a logback-test.xml. */
    static boolean operatorFileGiven() {
        return System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null;
    }

    /** Sets {@code context} up as the distribution logs; {@code level} null (or not a level) means INFO. */
    static void apply(LoggerContext context, String level) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(stderr);
        // the console's HTTP server: its start-up chatter and version nag are not the operator's business
        context.getLogger("io.javalin").setLevel(Level.WARN);
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
    }
}
