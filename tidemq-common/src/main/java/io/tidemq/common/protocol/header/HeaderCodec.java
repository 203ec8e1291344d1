package io.tidemq.common.protocol.header;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converts a header record to and from the string map a frame's header carries ({@code extFields}).
 *
 * <p>Each record component becomes one field named after it. Supported types: {@code String}, {@code int},
 * {@code long}, {@code boolean} and their boxed forms. A primitive component is required: decoding fails
 * with {@link InvalidHeaderException} when it is missing or not a number. A {@code String} or boxed
 * component is optional and decodes to {@code null} when absent; {@code null} values are not encoded.
 */
public final class HeaderCodec {

    /** Per header type, built once; guarded by the map's own concurrency. */
    private static final Map<Class<?>, Layout> LAYOUTS = new ConcurrentHashMap<>();
    private static final MethodType OBJECT_TO_OBJECT = MethodType.methodType(Object.class, Object.class);
    private static final MethodType ARRAY_TO_OBJECT = MethodType.methodType(Object.class, Object[].class);

    private HeaderCodec() {
    }

    public static Map<String, String> encode(Record header) {
        Map<String, String> fields = new HashMap<>(layout(header.getClass()).names.length * 2);
        encodeInto(header, fields);
        return fields;
    }

    /** Puts every non-null component of {@code header} into {@code fields}; saves a map copy on the send path. */
    public static void encodeInto(Record header, Map<String, String> fields) {
        encodeInto(header, (name, value) -> fields.put(name, value.toString()));
    }

    /**
     * Hands every non-null component of {@code header} to {@code sink}, in declaration order, as the value the
     * accessor returned ({@code String}, or a boxed {@code Integer}, {@code Long} or {@code Boolean}), so a sink
     * that writes bytes need not make a {@code String} of each number.
     */
    public static void encodeInto(Record header, FieldSink sink) {
        Layout layout = layout(header.getClass());
        for (int i = 0; i < layout.names.length; i++) {
            Object value;
            try {
                value = (Object) layout.accessors[i].invokeExact((Object) header);
            } catch (Throwable t) {
                throw new IllegalStateException("cannot encode header " + header.getClass().getSimpleName(), t);
            }
            if (value != null) {
                sink.field(layout.names[i], value);
            }
        }
    }

    /** Receives the fields of a header record; see {@link #encodeInto(Record, FieldSink)}. */
    @FunctionalInterface
    public interface FieldSink {
        void field(String name, Object value);
    }

    /** Header fields as a frame carries them, read in order; see {@link #decode(FieldSource, Class)}. */
    public interface FieldSource {
        /** Hands each field to {@code sink} in wire order, the value as a {@code String}. */
        void forEachField(FieldSink sink);
    }

    public static <T extends Record> T decode(Map<String, String> fields, Class<T> type) {
        Layout layout = layout(type);
        String[] raw = new String[layout.names.length];
        if (fields != null) {
            for (int i = 0; i < raw.length; i++) {
                raw[i] = fields.get(layout.names[i]);
            }
        }
        return construct(layout, raw, type);
    }

    /**
     * Decodes a header record from fields read in wire order, without a map: each field goes to the component of
     * its name (a later field of the same name wins, as in a map), fields of no component are ignored.
     */
    public static <T extends Record> T decode(FieldSource fields, Class<T> type) {
        Layout layout = layout(type);
        String[] raw = new String[layout.names.length];
        String[] names = layout.names;
        fields.forEachField(new FieldSink() {
            /** Where the next field's name is looked for first: encoders write components in declaration order. */
            private int next;

            @Override
            public void field(String name, Object value) {
                for (int k = 0; k < names.length; k++) {
                    int i = next + k < names.length ? next + k : next + k - names.length;
                    if (names[i].equals(name)) {
                        raw[i] = (String) value;
                        next = i + 1 == names.length ? 0 : i + 1;
                        return;
                    }
                }
            }
        });
        return construct(layout, raw, type);
    }

    private static <T extends Record> T construct(Layout layout, String[] raw, Class<T> type) {
        Object[] args = new Object[raw.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = parse(type, layout.names[i], layout.types[i], raw[i]);
        }
        try {
            return type.cast((Object) layout.constructor.invokeExact(args));
        } catch (IllegalArgumentException e) {
            throw new InvalidHeaderException(type.getSimpleName() + ": " + e.getMessage());
        } catch (Throwable t) {
            throw new IllegalStateException("cannot decode header " + type.getSimpleName(), t);
        }
    }

    private static Object parse(Class<?> header, String name, Class<?> t, String raw) {
        if (raw == null) {
            if (t.isPrimitive()) {
                throw new InvalidHeaderException(header.getSimpleName() + ": required header field '" + name
                        + "' is missing");
            }
            return null;
        }
        try {
            if (t == String.class) {
                return raw;
            } else if (t == int.class || t == Integer.class) {
                return Integer.parseInt(raw);
            } else if (t == long.class || t == Long.class) {
                return Long.parseLong(raw);
            } else if (t == boolean.class || t == Boolean.class) {
                if (!raw.equals("true") && !raw.equals("false")) {
                    throw new NumberFormatException("not a boolean");
                }
                return Boolean.parseBoolean(raw);
            }
        } catch (NumberFormatException e) {
            throw new InvalidHeaderException(header.getSimpleName() + ": header field '" + name + "' has value '"
                    + raw + "', which is not a valid " + t.getSimpleName());
        }
        throw new IllegalStateException("unsupported header field type " + t + " in " + header.getSimpleName());
    }

    private static Layout layout(Class<?> type) {
        return LAYOUTS.computeIfAbsent(type, HeaderCodec::buildLayout);
    }

    private static Layout buildLayout(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        RecordComponent[] rc = type.getRecordComponents();
        String[] names = new String[rc.length];
        Class<?>[] types = new Class<?>[rc.length];
        MethodHandle[] accessors = new MethodHandle[rc.length];
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            for (int i = 0; i < rc.length; i++) {
                names[i] = rc[i].getName();
                types[i] = rc[i].getType();
                accessors[i] = lookup.unreflect(rc[i].getAccessor()).asType(OBJECT_TO_OBJECT);
            }
            MethodHandle ctor = lookup.findConstructor(type, MethodType.methodType(void.class, types))
                    .asSpreader(Object[].class, rc.length)
                    .asType(ARRAY_TO_OBJECT);
            return new Layout(names, types, accessors, ctor);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("header record " + type.getName() + " must be public", e);
        }
    }

    /**
     * Handles adapted once to erased types ({@code (Object)Object}, {@code (Object[])Object}) so every call is
     * an {@code invokeExact}: {@code invoke}/{@code invokeWithArguments} re-adapt the handle, allocating
     * MethodTypes and spreaders on each request, which showed at the top of the send path's profile.
     */
    private record Layout(String[] names, Class<?>[] types, MethodHandle[] accessors, MethodHandle constructor) {
    }
}
