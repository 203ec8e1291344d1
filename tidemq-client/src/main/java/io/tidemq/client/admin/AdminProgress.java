package io.tidemq.client.admin;

/**
 * Told after each step of a long admin operation (one queue planned or written, one queue listed, one broker's
 * dead letters resent), on the thread that called the operation.
 */
@FunctionalInterface
public interface AdminProgress {

    /** Reports nothing. */
    AdminProgress NONE = (phase, done, total, item) -> {
    };

    /**
     * @param phase what is being done ({@code "planning"}, {@code "resetting"}, {@code "listing"}, {@code "resending"})
     * @param done  steps finished, 1..total
     * @param total steps of this phase
     * @param item  the step just finished ({@code broker-a:3}, a broker address)
     */
    void step(String phase, int done, int total, String item);
}
