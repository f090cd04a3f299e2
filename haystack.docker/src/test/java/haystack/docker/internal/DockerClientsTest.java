package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DockerClientsTest {

    @Test
    void unixAndTcpHostsAreAccepted() {
        assertEquals("unix:///var/run/docker.sock", DockerClients.parseHost(" unix:///var/run/docker.sock ").toString());
        assertEquals("tcp://10.0.0.5:2376", DockerClients.parseHost("tcp://10.0.0.5:2376").toString());
    }

    @Test
    void badHostsNameTheSettingAndWhatIsAllowed() {
        for (String bad : new String[] { "", "docker.sock", "http://x:2375", "tcp://nohost", "unix://", "tcp://[::1", "ssh://me@host" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DockerClients.parseHost(bad), bad);
            assertTrue(e.getMessage().contains("DOCKER_HOST") && e.getMessage().contains("'" + bad + "'")
                    && e.getMessage().contains("unix:///"), e.getMessage());
        }
    }
}
