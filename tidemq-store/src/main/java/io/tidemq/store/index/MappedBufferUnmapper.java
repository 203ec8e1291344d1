package io.tidemq.store.index;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases a mapping now instead of whenever the GC collects the buffer: a deleted index file would
 * otherwise keep its disk space and address space until then. Uses {@code sun.misc.Unsafe.invokeCleaner},
 * reached by reflection because the JDK offers no public unmap.
 */
final class MappedBufferUnmapper {

    private static final Logger log = LoggerFactory.getLogger(MappedBufferUnmapper.class);

    /** Null when the JDK does not expose invokeCleaner; buffers are then left to the GC. */
    private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

    private MappedBufferUnmapper() {
    }

    /** The caller guarantees no thread touches {@code buffer} afterwards: an access would crash the JVM. */
    static void unmap(MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact((ByteBuffer) buffer);
        } catch (Throwable e) {
            log.warn("Could not unmap an index file buffer; it is released when garbage collected", e);
        }
    }

    private static MethodHandle findInvokeCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            return MethodHandles.lookup()
                    .unreflect(unsafeClass.getMethod("invokeCleaner", ByteBuffer.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("sun.misc.Unsafe.invokeCleaner is unavailable; index files are unmapped by the GC", e);
            return null;
        }
    }
}
