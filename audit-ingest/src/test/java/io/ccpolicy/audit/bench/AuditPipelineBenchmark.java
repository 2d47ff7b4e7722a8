package io.ccpolicy.audit.bench;

import io.ccpolicy.agent.json.Json;
import io.ccpolicy.audit.messaging.PipelineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end audit throughput and delay on this machine: agents (the hook agent's spool and shipper) -> Kafka ->
 * packaged audit-ingest -> PostgreSQL + S3 archive, against a same-run baseline of a bare Kafka producer -> consumer
 * carrying the same payloads. Then the same load split (agents to Kafka with ingest stopped; ingest draining with the
 * agents idle), since in production agents run on developer machines, not beside ingest. "Queryable" is the commit time of the row's transaction (PostgreSQL's
 * track_commit_timestamp), so the delay is decision -> committed row, not an estimate.
 *
 * <p>{@code ./mvnw -q -pl audit-ingest -am -Dbench=audit-ingest package -DskipTests exec:exec} (args: events, agents).
 */
public final class AuditPipelineBenchmark {

    private AuditPipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int agents = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        System.out.printf("audit pipeline benchmark: %,d events from %d agents, %d cores%n", events, agents,
                Runtime.getRuntime().availableProcessors());
        try (PipelineHarness pipeline = new PipelineHarness(Map.of("fsync", "on", "track_commit_timestamp", "on"))) {
            pipeline.startKafka(6);

            bareKafka(pipeline.bootstrap(), events / 4); // warms the broker, producer and consumer: not measured
            double bare = bareKafka(pipeline.bootstrap(), events);
            System.out.printf("  baseline, bare Kafka producer -> consumer:   %,9.0f events/s%n", bare);

            List<PipelineHarness.Agent> fleet = new ArrayList<>();
            for (int a = 0; a < agents; a++) {
                fleet.add(pipeline.agent("bench-machine-" + a, 1000));
            }
            // A production ingest runs for days: its hot paths are compiled before the figures are taken, as the
            // baseline's are. Without this, the first runs measured the JIT compiling them.
            inParallel(fleet, agent -> agent.record(events / 4 / agents));
            long warm = (long) (events / 4 / agents) * agents;
            awaitStored(pipeline, warm, "warm-up, not measured");

            long start = System.currentTimeMillis();
            inParallel(fleet, agent -> agent.record(events / agents));
            long total = (long) (events / agents) * agents;
            awaitStored(pipeline, warm + total, "throughput run");
            Stats burst = stats(pipeline, start);
            double rate = total / ((burst.lastCommitMillis() - start) / 1000.0);
            System.out.printf("  pipeline, agent spool -> Kafka -> ingest -> PostgreSQL + S3: %,9.0f events/s sustained (%.2f x bare Kafka)%n",
                    rate, rate / bare);
            System.out.printf("    (all %,d recorded at once, so their delay is queueing: p50 %.2f s, p99 %.2f s)%n", total, burst.p50(), burst.p99());

            // The same load split in two, so each half has the machine to itself: agents -> Kafka with ingest stopped,
            // then ingest draining Kafka into PostgreSQL + S3 with the agents idle. Ingest is paused (SIGSTOP), not
            // restarted, so it stays as warm as it would be in production.
            pipeline.pauseIngest();
            long shipStart = System.currentTimeMillis();
            inParallel(fleet, agent -> agent.record(events / agents));
            for (PipelineHarness.Agent agent : fleet) {
                while (agent.audit.pendingBytes() > 0) {
                    Thread.sleep(20); // polls the spool; the figure is computed from the end time below
                }
            }
            double shipped = total / ((System.currentTimeMillis() - shipStart) / 1000.0);
            System.out.printf("  split, agents -> Kafka (spool, chain, ship; ingest stopped): %,9.0f events/s%n", shipped);
            Wal before = Wal.read(pipeline);
            CpuTime cpuBefore = CpuTime.read(pipeline);
            pipeline.resumeIngest();
            awaitStored(pipeline, warm + 2 * total, "drain run");
            CpuTime.read(pipeline).since(cpuBefore).print(total);
            Wal.read(pipeline).since(before).print(total);
            double drained = drainRate(pipeline, shipStart);
            System.out.printf("  split, Kafka -> ingest -> PostgreSQL + S3 (agents idle):    %,9.0f events/s (%.2f x bare Kafka)%n",
                    drained, drained / bare);

            int paced = (int) Math.min(rate / 2, 10_000);
            int seconds = 20;
            System.out.printf("  paced run: %,d events/s for %d s (half the sustained rate, capped at 10,000/s)%n", paced, seconds);
            long pacedStart = System.currentTimeMillis();
            inParallel(fleet, agent -> pace(agent, paced / agents, seconds));
            long pacedTotal = warm + 2 * total + (long) (paced / agents) * seconds * agents;
            awaitStored(pipeline, pacedTotal, "paced run");
            Stats steady = stats(pipeline, pacedStart);
            System.out.printf("  delay from decision to committed, queryable row at %,d events/s: p50 %.3f s, p99 %.3f s, max %.3f s%n",
                    paced, steady.p50(), steady.p99(), steady.max());
            for (PipelineHarness.Agent agent : fleet) {
                agent.close();
            }
            try (Connection c = pipeline.connect(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select count(*), sum(events), sum(bytes) from archive_object")) {
                r.next();
                System.out.printf("  archive: %,d objects, %,d events, %.1f MB gzip NDJSON%n", r.getLong(1), r.getLong(2), r.getLong(3) / 1e6);
            }
        }
    }

    /** Every agent records on its own thread, as machines do. */
    private static void inParallel(List<PipelineHarness.Agent> fleet, java.util.function.Consumer<PipelineHarness.Agent> work)
            throws InterruptedException {
        List<Thread> writers = new ArrayList<>();
        for (PipelineHarness.Agent agent : fleet) {
            Thread t = new Thread(() -> work.accept(agent));
            writers.add(t);
            t.start();
        }
        for (Thread t : writers) {
            t.join();
        }
    }

    /**
     * CPU time in milliseconds (PostgreSQL's and the machine's from /proc, in the kernel's 100 Hz ticks): of PostgreSQL's connections (the backends serving
     * queries), of its own processes (WAL writer, checkpointer, autovacuum...), of its processes that exited (autovacuum
     * workers, mostly), of audit-ingest, and of the whole machine. Unlike events per second on a shared machine, CPU per
     * event says what storing an event costs, and who pays for it.
     */
    private record CpuTime(long connections, long background, long exited, long ingest, long machine) {

        static CpuTime read(PipelineHarness pipeline) throws Exception {
            long postmaster = pipeline.postgresPid();
            String[] own = stat(Path.of("/proc", String.valueOf(postmaster), "stat"));
            long connections = 0;
            long background = Long.parseLong(own[11]) + Long.parseLong(own[12]);
            long exited = Long.parseLong(own[13]) + Long.parseLong(own[14]);
            try (var processes = Files.list(Path.of("/proc"))) {
                for (Path proc : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                    String[] stat = stat(proc.resolve("stat"));
                    if (stat != null && Long.parseLong(stat[1]) == postmaster) {
                        long ticks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
                        // a backend's title: "postgres: user database host(port) state"
                        if (title(proc).contains("(")) {
                            connections += ticks;
                        } else {
                            background += ticks;
                        }
                    }
                }
            }
            String[] all = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long machine = 0;
            for (int i = 1; i < all.length && i <= 8; i++) {
                machine += i == 4 || i == 5 ? 0 : Long.parseLong(all[i]); // all but idle and iowait
            }
            return new CpuTime(connections * 10, background * 10, exited * 10, pipeline.ingestCpuTime().toMillis(), machine * 10);
        }

        /** The fields after the command name (which may hold spaces): [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime. */
        private static String[] stat(Path file) {
            try {
                String line = Files.readString(file);
                return line.substring(line.lastIndexOf(')') + 2).split(" ");
            } catch (java.io.IOException e) {
                return null; // exited meanwhile
            }
        }

        private static String title(Path proc) {
            try {
                return Files.readString(proc.resolve("cmdline"));
            } catch (java.io.IOException e) {
                return "";
            }
        }

        CpuTime since(CpuTime before) {
            return new CpuTime(connections - before.connections, background - before.background, exited - before.exited,
                    ingest - before.ingest, machine - before.machine);
        }

        void print(long events) {
            System.out.printf("    CPU per stored event while draining: PostgreSQL %.0f us (connections %.0f, own processes %.0f, exited workers %.0f),"
                    + " audit-ingest %.0f us, whole machine %.0f us%n", (connections + background + exited) * 1000.0 / events,
                    connections * 1000.0 / events, background * 1000.0 / events, exited * 1000.0 / events, ingest * 1000.0 / events,
                    machine * 1000.0 / events);
        }
    }

    /** PostgreSQL's write-ahead log counters: what storing the events cost in WAL, and how much of it checkpoints caused. */
    private record Wal(long bytes, long records, long fullPageImages, long checkpoints) {

        static Wal read(PipelineHarness pipeline) throws Exception {
            try (Connection c = pipeline.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "select wal_bytes, wal_records, wal_fpi, (select num_timed + num_requested from pg_stat_checkpointer) from pg_stat_wal")) {
                r.next();
                return new Wal(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4));
            }
        }

        Wal since(Wal before) {
            return new Wal(bytes - before.bytes, records - before.records, fullPageImages - before.fullPageImages, checkpoints - before.checkpoints);
        }

        void print(long events) {
            System.out.printf("    WAL while draining: %,d bytes per event, %.1f records per event, %,d full-page images (%.0f%% of records), %d checkpoint(s)%n",
                    bytes / events, records / (double) events, fullPageImages, 100.0 * fullPageImages / records, checkpoints);
        }
    }

    private record Stats(double p50, double p99, double max, long lastCommitMillis) {
    }

    /** Events per second between the first and the last commit of the rows decided after {@code sinceMillis}. */
    private static double drainRate(PipelineHarness pipeline, long sinceMillis) throws Exception {
        try (Connection c = pipeline.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                select count(*) / extract(epoch from max(pg_xact_commit_timestamp(xmin)) - min(pg_xact_commit_timestamp(xmin)))
                from audit_event where occurred_at >= to_timestamp(%d / 1000.0)""".formatted(sinceMillis))) {
            r.next();
            return r.getDouble(1);
        }
    }

    /** Delay statistics over rows whose event was decided after {@code sinceMillis}. */
    private static Stats stats(PipelineHarness pipeline, long sinceMillis) throws Exception {
        try (Connection c = pipeline.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                select percentile_cont(0.5) within group (order by d), percentile_cont(0.99) within group (order by d), max(d),
                       extract(epoch from max(committed)) * 1000
                from (select extract(epoch from pg_xact_commit_timestamp(xmin) - occurred_at) as d, pg_xact_commit_timestamp(xmin) as committed
                      from audit_event where occurred_at >= to_timestamp(%d / 1000.0)) t""".formatted(sinceMillis))) {
            r.next();
            return new Stats(r.getDouble(1), r.getDouble(2), r.getDouble(3), (long) r.getDouble(4));
        }
    }

    private static void awaitStored(PipelineHarness pipeline, long expected, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            // Progress is read from the machines' chain heads (one row each, written in the events' own transaction): a
            // count(*) of audit_event every 200 ms scans the whole table and took up to a core from the pipeline it measures.
            long stored = single(pipeline, "select coalesce(sum(last_seq), 0) from machine_chain");
            if (stored != last) {
                System.out.printf("\r    %s: %,d of %,d stored", what, stored, expected);
                last = stored;
            }
            if (stored >= expected) {
                System.out.println();
                long rows = single(pipeline, "select count(*) from audit_event");
                if (rows != expected) {
                    throw new IllegalStateException(what + ": the chains reached " + stored + " events, but audit_event holds " + rows);
                }
                return;
            }
            Thread.sleep(200); // progress display only; the figures come from commit timestamps
        }
        throw new IllegalStateException(what + ": only " + last + " of " + expected + " events stored after 10 minutes");
    }

    private static long single(PipelineHarness pipeline, String query) throws Exception {
        try (Connection c = pipeline.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void pace(PipelineHarness.Agent agent, int perSecond, int seconds) {
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        for (int i = 0; i < perSecond * seconds; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            agent.record(1);
            next += interval;
        }
    }

    /** The same payloads through a bare idempotent producer (acks=all) and a plain consumer; events/s end to end. */
    private static double bareKafka(String bootstrap, int events) throws Exception {
        String topic = "bench.baseline." + UUID.randomUUID();
        List<String> payloads = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            payloads.add(Json.compact(PipelineHarness.decisionEvent("baseline-machine-" + (i % 8), i)));
        }
        Map<String, Object> consumerProps = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "baseline", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000));
        long[] done = new long[1];
        Thread consumer = new Thread(() -> {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
                c.subscribe(List.of(topic));
                long seen = 0;
                while (seen < events) {
                    ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(200));
                    seen += records.count();
                }
                done[0] = System.nanoTime();
            }
        });
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "warm-up", "{}")).get(); // topic created before timing
            consumer.start();
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                producer.send(new ProducerRecord<>(topic, "baseline-machine-" + (i % 8), payloads.get(i)));
            }
            producer.flush();
            consumer.join();
            return events / ((done[0] - start) / 1e9);
        }
    }
}
