package io.tidemq.controller.ratis;

/**
 * Told when this controller peer starts or stops leading. Called on a Ratis thread: implementations only record
 * the change and return (the election scanner acts on it on its own thread).
 */
public interface LeadershipListener {
    LeadershipListener NONE = new LeadershipListener() {
        @Override
        public void onLeaderReady(long term) {
        }

        @Override
        public void onNotLeader() {
        }
    };

    /** This peer leads {@code term} and has applied every entry committed before it. */
    void onLeaderReady(long term);

    /** This peer no longer leads (another peer leads, or none does yet). */
    void onNotLeader();
}
