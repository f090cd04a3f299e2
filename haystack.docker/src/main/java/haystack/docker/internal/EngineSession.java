package haystack.docker.internal;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.core.DockerClientImpl;

/**
 * One connection to one engine: subscribes to its events from the engine's clock time
 * taken before the listing (so nothing that happens while listing is missed), lists and
 * inspects the running containers, replaces the host's whole set, then applies every
 * event in order until the stream ends. Replayed events are harmless: each one re-reads
 * the container's state from the engine. On a swarm manager the services' tasks are read
 * too (every second and on service events: tasks have no events of their own).
 */
final class EngineSession implements Closeable {

    /** Signals that do not stop a container (reload, log rotation, resize). */
    private static final Set<String> NON_STOPPING = Set.of("1", "10", "12", "28", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "HUP", "USR1", "USR2", "WINCH");

    private final DockerClient client;
    private final ContainerTracker tracker;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile ResultCallback.Adapter<Event> events;
    private volatile boolean closed;
    /** Swarm tasks when the engine is a swarm manager, else null. Used by the session's thread only. */
    private SwarmTasks swarm;
    private final Set<String> swarmTaskIds = new HashSet<>();
    private long lastSwarmPoll;
    private static final long SWARM_POLL_MS = 1000;

    /** The end of the event stream, with its cause if it failed. */
    private record End(Throwable cause) {
    }

    private final Duration liveness;
    private ExecutorService pinger;

    /**
     * @param liveness after this long without a word from the engine, ping it; no answer
     *                 within the same time ends the session (a half-open TCP connection to
     *                 a host that went away would otherwise look like a quiet engine forever)
     */
    EngineSession(DockerClient client, ContainerTracker tracker, Duration liveness) {
        this.client = client;
        this.tracker = tracker;
        this.liveness = liveness;
    }

    /** Subscribes, lists and replaces the host's set. Returns {containers, endpoints}. */
    int[] sync() throws InterruptedException, IOException {
        var info = client.infoCmd().exec();
        String since = since(info.getSystemTime());
        boolean manager = info.getSwarm() != null && Boolean.TRUE.equals(info.getSwarm().getControlAvailable());
        swarm = manager && client instanceof DockerClientImpl impl ? new SwarmTasks(impl.getHttpClient()) : null;
        events = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event e) {
                queue.add(e);
            }

            @Override
            public void onError(Throwable t) {
                queue.add(new End(t));
            }

            @Override
            public void onComplete() {
                queue.add(new End(null));
            }
        };
        client.eventsCmd().withSince(since).withEventTypeFilter(EventType.CONTAINER, EventType.NETWORK, EventType.SERVICE).exec(events);
        List<ContainerFacts> running = new ArrayList<>();
        for (Container c : client.listContainersCmd().exec()) {
            try {
                ContainerFacts f = EngineFacts.of(client.inspectContainerCmd(c.getId()).exec());
                if (!isSwarmTask(f)) {
                    running.add(f);
                }
            } catch (NotFoundException gone) {
                // removed since the listing; its destroy event follows
            }
        }
        swarmTaskIds.clear();
        if (swarm != null) {
            for (ContainerFacts task : swarm.running()) {
                running.add(task);
                swarmTaskIds.add(task.id());
            }
            lastSwarmPoll = System.nanoTime();
        }
        int endpoints = tracker.replaceAll(running);
        return new int[] { running.size(), endpoints };
    }

    /** Applies events until the stream ends (returns its cause, or null) or the session is closed. */
    Throwable follow() throws InterruptedException, IOException {
        long lastHeard = System.nanoTime();
        while (!closed) {
            Object next = queue.poll(swarm == null ? 500 : 100, TimeUnit.MILLISECONDS);
            if (next != null) {
                lastHeard = System.nanoTime();
            } else if (System.nanoTime() - lastHeard > liveness.toNanos()) {
                Throwable silent = ping();
                if (silent != null) {
                    return silent;
                }
                lastHeard = System.nanoTime();
            }
            if (next instanceof End end) {
                return end.cause() != null ? end.cause() : new IllegalStateException("event stream ended");
            }
            boolean serviceEvent = false;
            if (next instanceof Event e) {
                serviceEvent = e.getType() == EventType.SERVICE;
                apply(e);
            }
            if (swarm != null && (serviceEvent || System.nanoTime() - lastSwarmPoll > TimeUnit.MILLISECONDS.toNanos(SWARM_POLL_MS))) {
                pollSwarm();
            }
        }
        return null;
    }

    /** Pings the engine on a side thread; the cause if it did not answer within {@link #liveness}, else null. */
    private Throwable ping() throws InterruptedException {
        if (pinger == null) {
            pinger = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "haystack-docker-ping");
                t.setDaemon(true);
                return t;
            });
        }
        Future<?> answer = pinger.submit(() -> client.pingCmd().exec());
        try {
            answer.get(liveness.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            answer.cancel(true);
            return new IOException("engine did not answer a ping within " + liveness.toMillis() + " ms");
        }
    }

    /** Task states have no events: the manager's task list is read every second and on service events. */
    private void pollSwarm() throws IOException {
        lastSwarmPoll = System.nanoTime();
        Set<String> now = new HashSet<>();
        for (ContainerFacts task : swarm.running()) {
            now.add(task.id());
            tracker.refresh(task, "task");
        }
        for (String gone : swarmTaskIds) {
            if (!now.contains(gone)) {
                tracker.withdraw(gone, gone, "task-ended");
            }
        }
        swarmTaskIds.clear();
        swarmTaskIds.addAll(now);
    }

    private boolean isSwarmTask(ContainerFacts f) {
        return swarm != null && f.labels().containsKey(SwarmTasks.TASK_LABEL);
    }

    void apply(Event e) {
        tracker.eventSeen();
        String action = e.getAction() != null ? e.getAction() : e.getStatus();
        if (action == null) {
            return;
        }
        int colon = action.indexOf(':');
        String base = colon < 0 ? action : action.substring(0, colon);
        Map<String, String> attrs = e.getActor() != null && e.getActor().getAttributes() != null ? e.getActor().getAttributes() : Map.of();
        if (e.getType() == EventType.SERVICE) {
            return; // follow() re-reads the tasks
        }
        if (e.getType() == EventType.NETWORK) {
            String container = attrs.get("container");
            // A container's first connect comes before its start event, which reads it anyway.
            if (container != null && ("connect".equals(base) || "disconnect".equals(base)) && tracker.isRunning(container)) {
                refresh(container, base);
            }
            return;
        }
        String id = e.getId() != null ? e.getId() : e.getActor() == null ? null : e.getActor().getId();
        if (id == null) {
            return;
        }
        String name = attrs.getOrDefault("name", id);
        tracker.traceEvent(String.valueOf(e.getType()).toLowerCase(java.util.Locale.ROOT), action, id, name);
        switch (base) {
            case "start", "unpause", "health_status", "rename", "update" -> refresh(id, base);
            case "kill" -> {
                if (!NON_STOPPING.contains(attrs.getOrDefault("signal", "15"))) {
                    tracker.drain(id, name, base);
                }
            }
            case "stop" -> tracker.drain(id, name, base);
            case "die", "pause", "destroy" -> tracker.withdraw(id, name, base);
            default -> {
                // create, attach, exec_*, resize, commit...: nothing a client sees changes
            }
        }
    }

    private void refresh(String id, String why) {
        try {
            ContainerFacts f = EngineFacts.of(client.inspectContainerCmd(id).exec());
            if (!isSwarmTask(f)) {
                tracker.refresh(f, why);
            }
        } catch (NotFoundException gone) {
            tracker.withdraw(id, id, "gone");
        }
    }

    /** Engine time minus one second, as the events API's seconds.nanoseconds. */
    static String since(String engineTime) {
        Instant t;
        try {
            t = engineTime == null ? Instant.now() : Instant.parse(engineTime);
        } catch (DateTimeParseException e) {
            t = Instant.now();
        }
        t = t.minusSeconds(1);
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    @Override
    public void close() {
        closed = true;
        if (pinger != null) {
            pinger.shutdownNow();
        }
        ResultCallback.Adapter<Event> cb = events;
        if (cb != null) {
            try {
                cb.close();
            } catch (Exception e) {
                // closing a broken stream: nothing left to release
            }
        }
    }
}
