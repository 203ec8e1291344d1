package io.tidemq.controller.state;

/** Test replicas: address from the id, store UUID and incarnation as given. */
final class Replicas {
    private Replicas() {
    }

    static ReplicaInfo replica(int id, String store, long incarnation) {
        return new ReplicaInfo(id, "127.0.0.1:" + (10911 + id * 10), "127.0.0.1:" + (10912 + id * 10), store,
                incarnation, 0);
    }

    static Command.RegisterReplica register(String group, int id, String store, long incarnation) {
        return new Command.RegisterReplica(group, replica(id, store, incarnation));
    }
}
