package io.tidemq.controller.codec;

import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.ControllerState;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.Outcome;
import io.tidemq.controller.state.ReplicaInfo;
import io.tidemq.controller.state.Reply;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControllerCodecTest {
    private static final ReplicaInfo R0 = new ReplicaInfo(0, "127.0.0.1:10911", "127.0.0.1:10912", "u-0", 3, 1);
    private static final ReplicaInfo R1 = new ReplicaInfo(1, "127.0.0.1:10921", "127.0.0.1:10922", "u-1", 7, 0);

    private static GroupState group() {
        TreeMap<Integer, ReplicaInfo> replicas = new TreeMap<>();
        replicas.put(0, R0);
        replicas.put(1, R1);
        return new GroupState("broker-a", 0, 4, new TreeSet<>(List.of(0, 1)), 9, replicas);
    }

    @Test
    void everyCommandRoundTrips() throws Exception {
        List<Command> commands = List.of(
                new Command.RegisterReplica("broker-a", R1),
                new Command.AlterIsr("broker-a", 0, 4, 9, new TreeSet<>(List.of(0, 1))),
                new Command.ElectMaster("broker-a", 4, 1, false),
                new Command.ElectMaster("broker-b", 0, 2, true),
                new Command.SetNamesrvChain(1_000_000, 1_000_001, List.of("127.0.0.1:9876", "127.0.0.1:9877")));
        for (Command c : commands) {
            assertThat(ControllerCodec.decodeCommand(ControllerCodec.encodeCommand(c))).isEqualTo(c);
        }
    }

    @Test
    void repliesQueriesAndSnapshotsRoundTrip() throws Exception {
        Reply reply = new Reply(Outcome.FENCED_ISR_EPOCH, "expected 8", group());
        assertThat(ControllerCodec.decodeReply(ControllerCodec.encodeReply(reply))).isEqualTo(reply);
        Reply bare = new Reply(Outcome.UNKNOWN_GROUP, "no group", null);
        assertThat(ControllerCodec.decodeReply(ControllerCodec.encodeReply(bare))).isEqualTo(bare);
        assertThat(ControllerCodec.decodeQuery(ControllerCodec.encodeQuery(new ControllerCodec.Query("g"))))
                .isEqualTo(new ControllerCodec.Query("g"));
        assertThat(ControllerCodec.decodeQuery(ControllerCodec.encodeQuery(new ControllerCodec.Query(null))).all())
                .isTrue();
        TreeMap<String, GroupState> groups = new TreeMap<>();
        groups.put("broker-a", group());
        ControllerState state = new ControllerState(groups);
        assertThat(ControllerCodec.decodeSnapshot(ControllerCodec.encodeSnapshot(state))).isEqualTo(state);
        assertThat(ControllerCodec.decodeState(ControllerCodec.encodeState(state))).isEqualTo(state);
    }

    @Test
    void theNameServerChainIsInSnapshotsAndAVersion1SnapshotReadsAsNoChain() throws Exception {
        TreeMap<String, GroupState> groups = new TreeMap<>();
        groups.put("broker-a", group());
        ControllerState state = new ControllerState(groups,
                new io.tidemq.controller.state.NamesrvChain(7, List.of("127.0.0.1:9876", "127.0.0.1:9877")));
        assertThat(ControllerCodec.decodeSnapshot(ControllerCodec.encodeSnapshot(state))).isEqualTo(state);
        assertThat(ControllerCodec.decodeState(ControllerCodec.encodeState(state))).isEqualTo(state);

        // a version-1 snapshot (written before the chain was stored): the groups, then the CRC
        byte[] v2 = ControllerCodec.encodeSnapshot(new ControllerState(groups));
        byte[] body = Arrays.copyOf(v2, v2.length - 4 - 12); // without chainEpoch (8), chain count (4) and CRC
        body[4] = 1;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body);
        byte[] v1 = java.nio.ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
        assertThat(ControllerCodec.decodeSnapshot(v1)).isEqualTo(new ControllerState(groups));
        assertThat(ControllerCodec.decodeSnapshot(v1).namesrvChain().epoch()).isZero();
    }

    @Test
    void everyTruncationOfACommandIsRefused() {
        byte[] bytes = ControllerCodec.encodeCommand(new Command.AlterIsr("broker-a", 0, 4, 9,
                new TreeSet<>(List.of(0, 1))));
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> ControllerCodec.decodeCommand(cut))
                    .isInstanceOf(MalformedControllerMessageException.class);
        }
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> ControllerCodec.decodeCommand(trailing))
                .hasMessageContaining("trailing");
    }

    @Test
    void badMagicVersionKindAndHugeCountsAreRefusedBeforeAllocating() {
        byte[] bytes = ControllerCodec.encodeCommand(new Command.ElectMaster("g", 0, 0, false));
        byte[] magic = bytes.clone();
        magic[0] ^= 1;
        assertThatThrownBy(() -> ControllerCodec.decodeCommand(magic)).hasMessageContaining("magic");
        byte[] version = bytes.clone();
        version[4] = 9;
        assertThatThrownBy(() -> ControllerCodec.decodeCommand(version)).hasMessageContaining("version 9");
        byte[] kind = bytes.clone();
        kind[5] = 42;
        assertThatThrownBy(() -> ControllerCodec.decodeCommand(kind)).hasMessageContaining("kind");

        ByteBuffer huge = ByteBuffer.allocate(4 + 1 + 1 + 3 + 12 + 4);
        huge.putInt(ControllerCodec.REQUEST_MAGIC).put(ControllerCodec.VERSION).put(ControllerCodec.KIND_ALTER_ISR)
                .putShort((short) 1).put((byte) 'g').putInt(0).putInt(0).putInt(0).putInt(Integer.MAX_VALUE);
        assertThatThrownBy(() -> ControllerCodec.decodeCommand(huge.array())).hasMessageContaining("count");
    }

    @Test
    void aSnapshotWithAFlippedBitIsRefused() {
        byte[] bytes = ControllerCodec.encodeSnapshot(ControllerState.EMPTY.apply(
                new Command.RegisterReplica("broker-a", R0)).state());
        for (int i = 0; i < bytes.length; i++) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x10;
            assertThatThrownBy(() -> ControllerCodec.decodeSnapshot(damaged))
                    .isInstanceOf(MalformedControllerMessageException.class);
        }
    }
}
