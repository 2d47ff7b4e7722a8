package io.ccpolicy.service.kafka;

import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * How a consumer stores one record: a store that is away (a connection, a lock) is retried with backoff up to 30 s, so
 * nothing is skipped; a failure caused by the record's own data ({@link RecordFaults}) is thrown at once, for the
 * caller to set the record aside.
 */
public final class StoreRetry {

    private static final Logger LOG = Logger.getLogger(StoreRetry.class);
    private static final Duration FIRST = Duration.ofMillis(200);
    private static final Duration MAX = Duration.ofSeconds(30);

    private StoreRetry() {
    }

    public static <T> T untilStored(Supplier<T> store, String what) throws InterruptedException {
        Duration backoff = FIRST;
        while (true) {
            try {
                return store.get();
            } catch (RuntimeException e) {
                if (RecordFaults.inRecord(e)) {
                    throw e;
                }
                LOG.warnf("%s not stored yet, retrying in %d ms: %s", what, backoff.toMillis(), e.getMessage());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX) > 0 ? MAX : backoff.multipliedBy(2);
            }
        }
    }
}
