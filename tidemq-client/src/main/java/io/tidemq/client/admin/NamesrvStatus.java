package io.tidemq.client.admin;

/**
 * Whether one NameServer answers (a row of the console's overview).
 *
 * @param address   {@code host:port}
 * @param reachable whether it answered a cluster lookup
 * @param brokers   how many brokers it knows; 0 when unreachable
 * @param error     why it did not answer; null when it did
 */
public record NamesrvStatus(String address, boolean reachable, int brokers, String error) {
}
