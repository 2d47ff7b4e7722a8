package io.ccpolicy.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HookServerTest {

    @Test
    void theClientHasTheAnswerWhileTheWorkAfterItIsStillRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        try (HookServer server = new HookServer(0, 1024, 4, request -> HookServer.Response.json(200, "{}").then(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.countDown();
        }))) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/hooks/PostToolUse")).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).isEqualTo("{}");
            assertThat(finished.getCount()).as("the work after the answer has not run yet").isEqualTo(1);
            release.countDown();
            assertThat(finished.await(5, TimeUnit.SECONDS)).as("and runs once released").isTrue();
        }
    }

    /** Claude Code sends the next hook on the same keep-alive connection: it must not wait behind the last one's audit. */
    @Test
    void theNextRequestOnTheConnectionIsAnsweredWhileThePreviousFollowUpRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (HookServer server = new HookServer(0, 1024, 4, request -> request.path().endsWith("PostToolUse")
                ? HookServer.Response.json(200, "{}").then(() -> {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                : HookServer.Response.json(200, "{\"next\":true}"))) {
            HttpClient oneConnection = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            oneConnection.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hooks/PostToolUse"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> next = oneConnection.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/hooks/PreToolUse")).timeout(Duration.ofSeconds(3)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(next.body()).as("answered while the follow-up is held").isEqualTo("{\"next\":true}");
            release.countDown();
        }
    }

    @Test
    void closingLetsWorkInProgressFinishInsteadOfInterruptingIt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        boolean[] interrupted = new boolean[1];
        HookServer server = new HookServer(0, 1024, 4, request -> HookServer.Response.json(200, "{}").then(() -> {
            started.countDown();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < until) {
                interrupted[0] |= Thread.currentThread().isInterrupted();
            }
        }));
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hooks/Stop"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        server.close();
        assertThat(interrupted[0]).as("an interrupted FileChannel write would close the audit spool").isFalse();
    }

    /** Follow-ups wait a little after their answers (so Claude Code handles the answer first), still in the order answered. */
    @Test
    void followUpsRunAfterTheirAnswersInTheOrderAnswered() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        try (HookServer server = new HookServer(0, 1024, 4, request -> HookServer.Response.json(200, "{}")
                .then(() -> ran.add(Integer.parseInt(request.path().substring(request.path().lastIndexOf('/') + 1)))))) {
            HttpClient oneConnection = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 40; i++) {
                oneConnection.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hooks/" + i))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ran.size() < 40 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(ran).containsExactlyElementsOf(IntStream.range(0, 40).boxed().toList());
        }
    }

    /** An agent stopped right after answering still records what it answered: a waiting follow-up runs before close returns. */
    @Test
    void closingRunsTheFollowUpsStillWaiting() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        HookServer server = new HookServer(0, 1024, 4, request -> HookServer.Response.json(200, "{}").then(ran::countDown),
                Duration.ofSeconds(1));
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hooks/PostToolUse"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        server.close();
        assertThat(ran.getCount()).as("run by the time close returns").isZero();
    }
}
