package io.tidemq.store.api;

import io.tidemq.common.message.RecordLayout;

/**
 * The CommitLog record layout as the store names it: every constant is {@link RecordLayout}'s (in tidemq-common,
 * because a pull sends records as they are stored and the client decodes the same layout), inherited so that
 * {@code import static RecordDescriptor.*} keeps working in the store.
 */
public final class RecordDescriptor extends RecordLayout {

    private RecordDescriptor() {
    }
}
