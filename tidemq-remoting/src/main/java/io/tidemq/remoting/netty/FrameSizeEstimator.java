package io.tidemq.remoting.netty;

import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.MessageSizeEstimator;

/**
 * Counts an {@link OutboundFrame} by its body (plus a header allowance) from the moment it is written, also from
 * a thread other than the connection's I/O thread. Netty's default counts unknown messages as 8 bytes until they
 * are encoded, so responses written by processor threads faster than the I/O thread encodes them never made the
 * connection unwritable: they piled up in its task queue instead. Stateless.
 */
final class FrameSizeEstimator implements MessageSizeEstimator {

    static final FrameSizeEstimator INSTANCE = new FrameSizeEstimator();

    /** Generous for the fixed header, the remark and the header fields of any response. */
    private static final int HEADER_ALLOWANCE_BYTES = 256;

    private static final Handle HANDLE = new Handle() {
        private final Handle fallback = DefaultMessageSizeEstimator.DEFAULT.newHandle();

        @Override
        public int size(Object msg) {
            if (msg instanceof OutboundFrame frame) {
                return HEADER_ALLOWANCE_BYTES + frame.command().bodyBytes();
            }
            return fallback.size(msg);
        }
    };

    private FrameSizeEstimator() {
    }

    @Override
    public Handle newHandle() {
        return HANDLE;
    }
}
