package haystack.ssh.internal.commands;

import java.util.ArrayList;
import java.util.List;

import haystack.api.Registry;
import haystack.api.RegistrySnapshot;

/** A registry that always shows one snapshot and records the operator's drains. */
public final class FixedRegistry implements Registry {

    private final RegistrySnapshot snapshot;
    final List<String> drained = new ArrayList<>();

    public FixedRegistry(RegistrySnapshot snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public RegistrySnapshot snapshot() {
        return snapshot;
    }

    @Override
    public boolean drain(String endpointId, boolean draining) {
        if (snapshot.endpoint(endpointId).isEmpty()) {
            return false;
        }
        drained.add((draining ? "drain " : "undrain ") + endpointId);
        return true;
    }

    @Override
    public boolean checkFailing(String endpointId, boolean failing) {
        return snapshot.endpoint(endpointId).isPresent();
    }
}
