package io.tidemq.remoting.netty;

import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * A command on its way out, with the opaque id and flags this particular send uses. Keeping them out of
 * the command lets one command be sent to several peers at once (a heartbeat to every broker).
 */
record OutboundFrame(RemotingCommand command, int opaque, int flags) {
}
