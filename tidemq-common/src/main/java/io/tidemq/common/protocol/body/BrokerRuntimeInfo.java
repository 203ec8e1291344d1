package io.tidemq.common.protocol.body;

import java.util.Map;

/**
 * Body of the GET_BROKER_RUNTIME_INFO response (JSON): named figures as text, sorted by name
 * (docs/protocol.md lists the names a broker reports).
 */
public record BrokerRuntimeInfo(Map<String, String> stats) {
}
