package io.tidemq.console.api;

import java.util.List;

/**
 * One page of a list sorted and cut on the server.
 *
 * @param total every matching item
 * @param page  this page's number, from 0
 * @param size  the page size asked for
 * @param sort  the sort field applied
 * @param desc  whether descending
 * @param items this page's items
 */
public record Page<T>(int total, int page, int size, String sort, boolean desc, List<T> items) {

    static <T> Page<T> of(List<T> sorted, int page, int size, String sort, boolean desc) {
        int from = Math.min(sorted.size(), page * size);
        int to = Math.min(sorted.size(), from + size);
        return new Page<>(sorted.size(), page, size, sort, desc, List.copyOf(sorted.subList(from, to)));
    }
}
