package haystack.etcd.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import org.junit.jupiter.api.Test;

/** Until the first full read of etcd, names other nodes serve are not known to be absent. */
class RemoteEndpointsTest {

    @Test
    void theRegistryIsNotReadyBeforeTheFirstFullRead() {
        RegistryImpl registry = new RegistryImpl(false);
        try (RemoteEndpoints remote = new RemoteEndpoints(new DiscoveryPublisherImpl(registry), new EtcdKeys("/haystack"), "b")) {
            registry.frameworkStarted();
            assertFalse(registry.snapshot().ready(), "another node's names may exist: not ready before etcd is read");
            remote.replaceAll(List.of());
            assertTrue(registry.snapshot().ready(), "ready once etcd has been read, even when it holds nothing");
        }
    }
}
