package io.tidemq.store.file;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Releases a mapping now instead of whenever the GC gets to the buffer. Without it a deleted 1 GiB CommitLog
 * file keeps its disk blocks and address space until a full GC.
 *
 * <p>Uses {@code sun.misc.Unsafe.invokeCleaner}, which lives in the {@code jdk.unsupported} module and
 * therefore works on Java 9+ without {@code --add-opens}. When it is unavailable (another JVM), unmapping
 * falls back to the GC and {@link #isAvailable()} says so.
 */
public final class BufferCleaner {

    private static final Logger log = LoggerFactory.getLogger(BufferCleaner.class);
    private static final MethodHandle INVOKE_CLEANER = lookupInvokeCleaner();

    private BufferCleaner() {
    }

    private static MethodHandle lookupInvokeCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("sun.misc.Unsafe.invokeCleaner is unavailable ({}); mapped files will be unmapped by the GC",
                    e.toString());
            return null;
        }
    }

    public static boolean isAvailable() {
        return INVOKE_CLEANER != null;
    }

    /**
     * Unmaps {@code buffer}. After this call any access to the buffer or its duplicates crashes the JVM, so the
     * caller must guarantee no reader holds it (see {@link MappedFile#hold()}).
     *
     * @return whether the mapping was released now
     */
    public static boolean unmap(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || buffer == null || !buffer.isDirect()) {
            return false;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
            return true;
        } catch (Throwable t) {
            log.warn("unmapping a buffer failed; it will be released by the GC", t);
            return false;
        }
    }
}
