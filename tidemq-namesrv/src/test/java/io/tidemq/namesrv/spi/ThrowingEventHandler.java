package io.tidemq.namesrv.spi;

import io.tidemq.namesrv.event.NamesrvEvent;
import io.tidemq.namesrv.event.NamesrvEventContext;
import io.tidemq.namesrv.event.NamesrvEventHandler;

/** A test plug-in that fails on every event about a broker group named {@value #BROKER_NAME}. */
public final class ThrowingEventHandler implements NamesrvEventHandler {

    public static final String BROKER_NAME = "explosive-broker";

    @Override
    public boolean supports(NamesrvEvent event) {
        return event.broker().brokerName().equals(BROKER_NAME);
    }

    @Override
    public void onEvent(NamesrvEvent event, NamesrvEventContext context) {
        throw new IllegalStateException("test handler fails on purpose for " + event.broker());
    }
}
