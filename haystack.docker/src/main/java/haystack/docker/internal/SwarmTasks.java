package haystack.docker.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import haystack.api.Protocol;
import haystack.docker.internal.ContainerFacts.Attachment;
import haystack.docker.internal.ContainerFacts.Binding;
import haystack.docker.internal.ContainerFacts.Port;

/**
 * Swarm mode, on a manager: every running task of every service, on every node, as
 * {@link ContainerFacts} (id = task id, name = {@code service.slot.task}, container id = the
 * task's container). The service is the swarm service's name unless labels or SERVICE_NAME
 * say otherwise; addresses are the task's overlay attachments (the routing mesh's ingress
 * network is left out). Read from the raw API because docker-java's Task model has no
 * network attachments.
 */
final class SwarmTasks {

    /** Label Docker puts on a task's container; such containers are discovered here, not as containers. */
    static final String TASK_LABEL = "com.docker.swarm.task.id";
    private static final Pattern PORT_KEY = Pattern.compile("^(?:haystack\\.port\\.|SERVICE_)([0-9]+)(?:_NAME)?$");

    private final DockerHttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    SwarmTasks(DockerHttpClient http) {
        this.http = http;
    }

    /** The running tasks now. */
    List<ContainerFacts> running() throws IOException {
        Map<String, JsonNode> services = new HashMap<>();
        for (JsonNode s : get("/services")) {
            services.put(s.path("ID").asText(), s);
        }
        String filter = URLEncoder.encode("{\"desired-state\":[\"running\"]}", StandardCharsets.UTF_8);
        List<ContainerFacts> out = new ArrayList<>();
        for (JsonNode task : get("/tasks?filters=" + filter)) {
            JsonNode service = services.get(task.path("ServiceID").asText());
            if (service != null && "running".equals(task.path("Status").path("State").asText())) {
                out.add(facts(task, service));
            }
        }
        return out;
    }

    static ContainerFacts facts(JsonNode task, JsonNode service) {
        JsonNode spec = service.path("Spec");
        JsonNode container = spec.path("TaskTemplate").path("ContainerSpec");
        String serviceName = spec.path("Name").asText();
        Map<String, String> labels = new HashMap<>(strings(spec.path("Labels")));
        labels.putAll(strings(container.path("Labels")));
        Map<String, String> env = new HashMap<>();
        for (JsonNode kv : container.path("Env")) {
            String s = kv.asText();
            int eq = s.indexOf('=');
            if (eq > 0) {
                env.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        if (!labels.containsKey("SERVICE_NAME") && !env.containsKey("SERVICE_NAME")) {
            env.put("SERVICE_NAME", serviceName); // below haystack.service, above the image name
        }
        Map<String, Port> ports = new LinkedHashMap<>();
        for (JsonNode p : service.path("Endpoint").path("Ports")) {
            Protocol proto = "udp".equals(p.path("Protocol").asText()) ? Protocol.UDP : Protocol.TCP;
            int target = p.path("TargetPort").asInt();
            int published = p.path("PublishedPort").asInt();
            if (target > 0 && target <= 65535 && !"sctp".equals(p.path("Protocol").asText())) {
                List<Binding> bindings = published > 0 ? List.of(new Binding(null, published)) : List.of();
                ports.put(target + "/" + proto.label(), new Port(target, proto, bindings));
            }
        }
        for (String key : concat(labels, env)) {
            Matcher m = PORT_KEY.matcher(key);
            if (m.matches()) {
                int p = Integer.parseInt(m.group(1));
                if (p >= 1 && p <= 65535) {
                    ports.putIfAbsent(p + "/tcp", Port.of(p, Protocol.TCP));
                }
            }
        }
        List<Attachment> networks = new ArrayList<>();
        for (JsonNode a : task.path("NetworksAttachments")) {
            JsonNode net = a.path("Network").path("Spec");
            if (net.path("Ingress").asBoolean(false)) {
                continue;
            }
            InetAddress v4 = null;
            InetAddress v6 = null;
            for (JsonNode addr : a.path("Addresses")) {
                String s = addr.asText();
                InetAddress ip = EngineFacts.literal(s.contains("/") ? s.substring(0, s.indexOf('/')) : s);
                if (ip instanceof Inet6Address) {
                    v6 = v6 == null ? ip : v6;
                } else if (ip != null) {
                    v4 = v4 == null ? ip : v4;
                }
            }
            if (v4 != null || v6 != null) {
                networks.add(new Attachment(net.path("Name").asText(), v4, v6));
            }
        }
        String taskId = task.path("ID").asText();
        String slot = task.hasNonNull("Slot") ? task.path("Slot").asText() : task.path("NodeID").asText();
        // The task's container, so that Haystack recognises its own task (OwnContainer).
        String containerId = task.path("Status").path("ContainerStatus").path("ContainerID").asText("");
        return new ContainerFacts(taskId, serviceName + "." + slot + "." + taskId, container.path("Image").asText(),
                labels, env, new ArrayList<>(ports.values()), networks, null, true, containerId.isEmpty() ? null : containerId);
    }

    private static List<String> concat(Map<String, String> a, Map<String, String> b) {
        List<String> keys = new ArrayList<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new HashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private JsonNode get(String path) throws IOException {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path(path).build();
        try (DockerHttpClient.Response response = http.execute(request); InputStream body = response.getBody()) {
            if (response.getStatusCode() != 200) {
                throw new IOException("GET " + path + " answered " + response.getStatusCode());
            }
            return json.readTree(body);
        }
    }
}
