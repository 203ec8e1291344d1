package io.tidemq.controller.codec;

import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.ControllerState;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.NamesrvChain;
import io.tidemq.controller.state.Outcome;
import io.tidemq.controller.state.ReplicaInfo;
import io.tidemq.controller.state.Reply;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * Binary encoding of controller requests (commands and queries), replies and snapshots. Big-endian
 * ({@link DataOutputStream}); strings are modified UTF-8 with a 2-byte length.
 *
 * <pre>
 * request  = magic:int 'TQC1' · version:byte 1 · kind:byte · body
 *   kind 1 REGISTER   = group · replicaId:int · brokerAddr · haAddr · storeUuid · incarnation:long · priority:int
 *   kind 2 ALTER_ISR  = group · masterId:int · masterEpoch:int · expectedIsrEpoch:int · count:int · id:int × count
 *   kind 3 ELECT      = group · expectedMasterEpoch:int · candidateId:int · unclean:byte
 *   kind 4 SET_NAMESRV_CHAIN = expectedEpoch:long · newEpoch:long · count:int · addr × count
 *   kind 10 GET_GROUP = group
 *   kind 11 GET_ALL   = (nothing)
 * reply    = outcome:byte · detail · hasGroup:byte · [group]
 * group    = name · masterId:int · masterEpoch:int · isrEpoch:int · isrCount:int · id:int × isrCount
 *            · replicaCount:int · (replicaId:int · brokerAddr · haAddr · storeUuid · incarnation:long · priority:int) × replicaCount
 * state    = groupCount:int · group × groupCount · chainEpoch:long · chainCount:int · addr × chainCount
 * snapshot = magic:int 'TQCS' · version:byte 2 · state · crc32c:int (of everything before it); version 1 (written
 *            before the NameServer chain was stored) has no chainEpoch and chain, and reads as no chain
 * </pre>
 * Decoding bounds every count before allocating.
 */
public final class ControllerCodec {
    static final int REQUEST_MAGIC = 0x54514331;
    static final int SNAPSHOT_MAGIC = 0x54514353;
    static final byte VERSION = 1;
    /** Snapshots: 2 since the NameServer chain is part of the state; 1 is still read. */
    static final byte SNAPSHOT_VERSION = 2;
    static final byte KIND_REGISTER = 1;
    static final byte KIND_ALTER_ISR = 2;
    static final byte KIND_ELECT = 3;
    static final byte KIND_SET_NAMESRV_CHAIN = 4;
    static final byte KIND_GET_GROUP = 10;
    static final byte KIND_GET_ALL = 11;
    static final int MAX_REPLICAS_PER_GROUP = 4096;
    static final int MAX_GROUPS = 1 << 20;

    private ControllerCodec() {
    }

    /** A read-only request: one group (by name) or, with a null name, every group. */
    public record Query(String group) {
        public boolean all() {
            return group == null;
        }
    }

    public static byte[] encodeCommand(Command command) {
        java.util.Objects.requireNonNull(command, "command");
        return write(out -> {
            header(out);
            if (command instanceof Command.RegisterReplica c) {
                out.writeByte(KIND_REGISTER);
                out.writeUTF(c.group());
                writeReplica(out, c.replica());
            } else if (command instanceof Command.AlterIsr c) {
                out.writeByte(KIND_ALTER_ISR);
                out.writeUTF(c.group());
                out.writeInt(c.masterId());
                out.writeInt(c.masterEpoch());
                out.writeInt(c.expectedIsrEpoch());
                writeIds(out, c.newIsr());
            } else if (command instanceof Command.ElectMaster c) {
                out.writeByte(KIND_ELECT);
                out.writeUTF(c.group());
                out.writeInt(c.expectedMasterEpoch());
                out.writeInt(c.candidateId());
                out.writeByte(c.unclean() ? 1 : 0);
            } else if (command instanceof Command.SetNamesrvChain c) {
                out.writeByte(KIND_SET_NAMESRV_CHAIN);
                out.writeLong(c.expectedEpoch());
                out.writeLong(c.newEpoch());
                writeChain(out, c.chain());
            }
        });
    }

    public static byte[] encodeQuery(Query query) {
        return write(out -> {
            header(out);
            if (query.all()) {
                out.writeByte(KIND_GET_ALL);
            } else {
                out.writeByte(KIND_GET_GROUP);
                out.writeUTF(query.group());
            }
        });
    }

    public static Command decodeCommand(byte[] bytes) throws MalformedControllerMessageException {
        return read(bytes, in -> {
            byte kind = readHeader(in);
            Command c = switch (kind) {
                case KIND_REGISTER -> new Command.RegisterReplica(in.readUTF(), readReplica(in));
                case KIND_ALTER_ISR -> new Command.AlterIsr(in.readUTF(), in.readInt(), in.readInt(), in.readInt(),
                        readIds(in));
                case KIND_ELECT -> new Command.ElectMaster(in.readUTF(), in.readInt(), in.readInt(),
                        readBoolean(in));
                case KIND_SET_NAMESRV_CHAIN -> new Command.SetNamesrvChain(in.readLong(), in.readLong(),
                        readChain(in));
                default -> throw new MalformedControllerMessageException("not a command kind: " + kind);
            };
            return c;
        });
    }

    public static Query decodeQuery(byte[] bytes) throws MalformedControllerMessageException {
        return read(bytes, in -> switch (readHeader(in)) {
            case KIND_GET_GROUP -> new Query(in.readUTF());
            case KIND_GET_ALL -> new Query(null);
            default -> throw new MalformedControllerMessageException("not a query kind");
        });
    }

    public static byte[] encodeReply(Reply reply) {
        return write(out -> {
            out.writeByte(reply.outcome().code());
            out.writeUTF(truncate(reply.detail()));
            out.writeByte(reply.group() == null ? 0 : 1);
            if (reply.group() != null) {
                writeGroup(out, reply.group());
            }
        });
    }

    public static Reply decodeReply(byte[] bytes) throws MalformedControllerMessageException {
        return read(bytes, in -> {
            Outcome outcome = Outcome.ofCode(in.readUnsignedByte());
            String detail = in.readUTF();
            GroupState group = readBoolean(in) ? readGroup(in) : null;
            return new Reply(outcome, detail, group);
        });
    }

    public static byte[] encodeState(ControllerState state) {
        return write(out -> writeState(out, state));
    }

    public static ControllerState decodeState(byte[] bytes) throws MalformedControllerMessageException {
        return read(bytes, in -> readState(in, true));
    }

    public static byte[] encodeSnapshot(ControllerState state) {
        byte[] body = write(out -> {
            out.writeInt(SNAPSHOT_MAGIC);
            out.writeByte(SNAPSHOT_VERSION);
            writeState(out, state);
        });
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] all = new byte[body.length + 4];
        System.arraycopy(body, 0, all, 0, body.length);
        int value = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            all[body.length + i] = (byte) (value >>> (24 - 8 * i));
        }
        return all;
    }

    public static ControllerState decodeSnapshot(byte[] bytes) throws MalformedControllerMessageException {
        if (bytes.length < 9) {
            throw new MalformedControllerMessageException("snapshot of " + bytes.length + " bytes is too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ((bytes[bytes.length - 4] & 0xff) << 24) | ((bytes[bytes.length - 3] & 0xff) << 16)
                | ((bytes[bytes.length - 2] & 0xff) << 8) | (bytes[bytes.length - 1] & 0xff);
        if (stored != (int) crc.getValue()) {
            throw new MalformedControllerMessageException("snapshot CRC32C mismatch");
        }
        byte[] body = java.util.Arrays.copyOf(bytes, bytes.length - 4);
        return read(body, in -> {
            if (in.readInt() != SNAPSHOT_MAGIC) {
                throw new MalformedControllerMessageException("not a TideMQ controller snapshot");
            }
            byte version = in.readByte();
            if (version != 1 && version != SNAPSHOT_VERSION) {
                throw new MalformedControllerMessageException("controller snapshot version " + version
                        + " is not supported (this build reads 1 and " + SNAPSHOT_VERSION + ")");
            }
            return readState(in, version >= 2);
        });
    }

    private static void header(DataOutputStream out) throws IOException {
        out.writeInt(REQUEST_MAGIC);
        out.writeByte(VERSION);
    }

    private static byte readHeader(DataInputStream in) throws IOException, MalformedControllerMessageException {
        if (in.readInt() != REQUEST_MAGIC) {
            throw new MalformedControllerMessageException("not a TideMQ controller request (bad magic)");
        }
        byte version = in.readByte();
        if (version != VERSION) {
            throw new MalformedControllerMessageException("controller request version " + version
                    + " is not supported (this build reads " + VERSION + ")");
        }
        return in.readByte();
    }

    private static void writeState(DataOutputStream out, ControllerState state) throws IOException {
        out.writeInt(state.groups().size());
        for (GroupState g : state.groups().values()) {
            writeGroup(out, g);
        }
        out.writeLong(state.namesrvChain().epoch());
        writeChain(out, state.namesrvChain().chain());
    }

    private static ControllerState readState(DataInputStream in, boolean withChain)
            throws IOException, MalformedControllerMessageException {
        int count = count(in, MAX_GROUPS, "group");
        TreeMap<String, GroupState> groups = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            GroupState g = readGroup(in);
            groups.put(g.group(), g);
        }
        NamesrvChain chain = withChain ? new NamesrvChain(in.readLong(), readChain(in)) : NamesrvChain.NONE;
        return new ControllerState(groups, chain);
    }

    private static void writeChain(DataOutputStream out, java.util.List<String> chain) throws IOException {
        out.writeInt(chain.size());
        for (String addr : chain) {
            out.writeUTF(addr);
        }
    }

    private static java.util.List<String> readChain(DataInputStream in)
            throws IOException, MalformedControllerMessageException {
        int count = count(in, ControllerState.MAX_NAMESRV_CHAIN, "NameServer chain member");
        java.util.List<String> chain = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            chain.add(in.readUTF());
        }
        return chain;
    }

    private static void writeGroup(DataOutputStream out, GroupState g) throws IOException {
        out.writeUTF(g.group());
        out.writeInt(g.masterId());
        out.writeInt(g.masterEpoch());
        out.writeInt(g.isrEpoch());
        writeIds(out, g.isr());
        out.writeInt(g.replicas().size());
        for (ReplicaInfo r : g.replicas().values()) {
            writeReplica(out, r);
        }
    }

    private static GroupState readGroup(DataInputStream in) throws IOException, MalformedControllerMessageException {
        String name = in.readUTF();
        int masterId = in.readInt();
        int masterEpoch = in.readInt();
        int isrEpoch = in.readInt();
        SortedSet<Integer> isr = readIds(in);
        int count = count(in, MAX_REPLICAS_PER_GROUP, "replica");
        TreeMap<Integer, ReplicaInfo> replicas = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            ReplicaInfo r = readReplica(in);
            replicas.put(r.replicaId(), r);
        }
        return new GroupState(name, masterId, masterEpoch, isr, isrEpoch, replicas);
    }

    private static void writeReplica(DataOutputStream out, ReplicaInfo r) throws IOException {
        out.writeInt(r.replicaId());
        out.writeUTF(r.brokerAddr());
        out.writeUTF(r.haAddr());
        out.writeUTF(r.storeUuid());
        out.writeLong(r.incarnation());
        out.writeInt(r.priority());
    }

    private static ReplicaInfo readReplica(DataInputStream in) throws IOException {
        return new ReplicaInfo(in.readInt(), in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), in.readInt());
    }

    private static void writeIds(DataOutputStream out, SortedSet<Integer> ids) throws IOException {
        out.writeInt(ids.size());
        for (int id : ids) {
            out.writeInt(id);
        }
    }

    private static SortedSet<Integer> readIds(DataInputStream in)
            throws IOException, MalformedControllerMessageException {
        int count = count(in, MAX_REPLICAS_PER_GROUP, "in-sync replica");
        TreeSet<Integer> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(in.readInt());
        }
        return ids;
    }

    private static int count(DataInputStream in, int max, String what)
            throws IOException, MalformedControllerMessageException {
        int count = in.readInt();
        if (count < 0 || count > max) {
            throw new MalformedControllerMessageException(what + " count " + count + " is outside 0.." + max);
        }
        return count;
    }

    private static boolean readBoolean(DataInputStream in) throws IOException, MalformedControllerMessageException {
        int b = in.readUnsignedByte();
        if (b > 1) {
            throw new MalformedControllerMessageException("boolean byte " + b);
        }
        return b == 1;
    }

    private static String truncate(String s) {
        return s.length() > 1024 ? s.substring(0, 1024) : s;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException, MalformedControllerMessageException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory encoding failed", e); // a ByteArrayOutputStream never fails
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> reader) throws MalformedControllerMessageException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            T value = reader.read(in);
            if (in.available() != 0) {
                throw new MalformedControllerMessageException(in.available() + " trailing bytes");
            }
            return value;
        } catch (EOFException e) {
            throw new MalformedControllerMessageException("truncated controller message", e);
        } catch (IOException | RuntimeException e) {
            throw new MalformedControllerMessageException("unreadable controller message: " + e, e);
        }
    }
}
