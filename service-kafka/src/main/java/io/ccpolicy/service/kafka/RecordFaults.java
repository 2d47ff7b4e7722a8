package io.ccpolicy.service.kafka;

import java.sql.SQLException;

/** Tells a failure caused by one record's data from a failure of the store, so consumers dead-letter the first and retry the second. */
public final class RecordFaults {

    private RecordFaults() {
    }

    /**
     * Whether PostgreSQL refused the data itself: data exceptions (SQLSTATE class 22, such as a jsonb value it cannot
     * hold) and program limits (class 54). Anything else (a connection, a lock, S3, Kafka) is the store's, to be retried.
     */
    public static boolean inRecord(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("54"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
