package org.glean.api;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The id of the fine-tuning job started last: an automatic one has no call that answers its id. */
final class LatestFineTuneJob {

    private LatestFineTuneJob() {
    }

    static long id(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement select = connection.createStatement();
             var row = select.executeQuery("SELECT max(id) FROM fine_tune_job")) {
            row.next();
            return row.getLong(1);
        }
    }
}
