package io.tidemq.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StderrProgressTest {

    @Test
    void printsTheFirstAndLastStepAndAtMostOneLineASecondBetween() {
        StringWriter err = new StringWriter();
        AtomicLong now = new AtomicLong(10_000);
        StderrProgress p = new StderrProgress(new PrintWriter(err), "reset-offsets", "queue(s)", now::get);

        for (int i = 1; i <= 100; i++) {
            p.step("planning", i, 100, "broker-a:" + (i - 1));
            now.addAndGet(25); // 100 steps over 2.5 s
        }

        assertThat(err.toString().lines()).containsExactly(
                "reset-offsets: planning 1/100 queue(s), last broker-a:0",
                "reset-offsets: planning 41/100 queue(s), last broker-a:40",
                "reset-offsets: planning 81/100 queue(s), last broker-a:80",
                "reset-offsets: planning 100/100 queue(s), last broker-a:99");
    }
}
