package io.tidemq.client.fake;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Captures what one logger (and the loggers under it) logs while open. */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    public LogCapture(Class<?> type) {
        this(type.getName());
    }

    /** Formatted messages with their level, e.g. {@code "WARN closing connection ..."}. */
    public List<String> lines() {
        synchronized (appender.list) {
            List<String> lines = new ArrayList<>();
            for (ILoggingEvent e : appender.list) {
                lines.add(e.getLevel() + " " + e.getFormattedMessage());
            }
            return lines;
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
