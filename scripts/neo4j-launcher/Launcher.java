// Launcher runs embedded Neo4j Community with Bolt on, for tests and CI.
// scripts/neo4j starts it in source mode: java -cp 'LIB/*' Launcher.java HOME
//
// Settings follow the embedded API of Neo4j 5 (DatabaseManagementServiceBuilder):
// Bolt is off by default in embedded mode, so it is switched on here, bound to
// loopback only, with authentication off. A JVM shutdown hook (run on SIGTERM
// and SIGINT) shuts the service down cleanly, so the store needs no recovery on
// the next start.
//
// Environment: NEO4J_PORT (default 17687, as scripts/neo4j), NEO4J_PAGECACHE (default 256m; a
// byte count with an optional k, m or g suffix), NEO4J_PLUGINS (a folder of procedure jars, for
// Graph Data Science: scripts/neo4j sets it with NEO4J_GDS=1; its gds.* procedures may then run
// unrestricted, as GDS needs). NEO4J_TX_MEMORY: the pool all transactions'
// state shares, dbms.memory.transaction.total.max (default Neo4j's: 70% of the heap); an
// import is one transaction and needs about 5 KB of it per link: see the README.

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp 'LIB/*' Launcher.java HOME");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(env("NEO4J_PORT", "17687"));
        long pageCache = bytes(env("NEO4J_PAGECACHE", "256m"));
        String txMemory = env("NEO4J_TX_MEMORY", "");

        long t0 = System.nanoTime();
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        String plugins = env("NEO4J_PLUGINS", "");
        if (!plugins.isEmpty()) {
            // Procedures are found by scanning the jars of plugin_dir (they
            // are on the class path too, where Neo4j finds their extensions).
            builder.setConfig(GraphDatabaseSettings.plugin_dir, Path.of(plugins).toAbsolutePath())
                    .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"));
        }
        builder
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                // A test database: keep little transaction log on disk.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Checkpoint every minute (default 15), so a killed server
                // recovers in seconds rather than replaying a test run's log.
                .setConfig(GraphDatabaseSettings.check_point_interval_time, Duration.ofMinutes(1));
        if (!txMemory.isEmpty()) {
            builder.setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, bytes(txMemory));
        }
        DatabaseManagementService dbms = builder.build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long s0 = System.nanoTime();
            System.out.println("neo4j-launcher: shutting down");
            dbms.shutdown();
            System.out.printf("neo4j-launcher: stopped in %d ms%n", (System.nanoTime() - s0) / 1_000_000);
            stopped.countDown();
        }, "neo4j-launcher-shutdown"));

        // Touch the default database so "ready" means it answers queries.
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        db.executeTransactionally("RETURN 1");

        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("neo4j-launcher: ready bolt://127.0.0.1:%d in %d ms (pid %d)%n",
                port, ms, ProcessHandle.current().pid());
        System.out.flush();
        stopped.await();
    }

    private static long bytes(String s) {
        s = s.trim().toLowerCase();
        long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1L;
        };
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? def : v;
    }
}
