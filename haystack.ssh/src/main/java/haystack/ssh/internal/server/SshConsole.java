package haystack.ssh.internal.server;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.Set;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH console (SPEC §6): MINA SSHD serving the Gogo shell, public keys only,
 * no port forwarding. Registered as a service so tests and commands can find the port.
 */
@Component(service = SshConsole.class, immediate = true, configurationPid = "haystack.ssh", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SshConsole.Config.class)
public final class SshConsole {

    @ObjectClassDefinition(name = "Haystack SSH console")
    public @interface Config {
        @AttributeDefinition(description = "TCP port (0 picks a free one)")
        int port() default 22;

        @AttributeDefinition(description = "address to listen on; empty for all")
        String bind() default "";

        @AttributeDefinition(description = "authorized public keys, one per line (or separated by ';')")
        String authorized_keys() default "";

        @AttributeDefinition(description = "file of authorized public keys, re-read when it changes")
        String authorized_keys_file() default "";

        @AttributeDefinition(description = "data directory: the host key is kept here")
        String data() default "data";
    }

    private static final Logger LOG = LoggerFactory.getLogger(SshConsole.class);

    private static final Set<String> SHA1_SIGNATURES = Set.of(BuiltinSignatures.rsa.getName(), BuiltinSignatures.rsa_cert.getName(),
            BuiltinSignatures.dsa.getName(), BuiltinSignatures.dsa_cert.getName());

    private final SshServer server;
    private final HostKeys.Loading hostKeys;

    @Activate
    public SshConsole(Config config, @Reference CommandProcessor processor) throws IOException {
        Path keysFile = config.authorized_keys_file().isBlank() ? null : Path.of(config.authorized_keys_file());
        server = SshServer.setUpDefaultServer();
        server.setPort(config.port());
        if (!config.bind().isBlank()) {
            server.setHost(config.bind());
        }
        hostKeys = HostKeys.loading(Path.of(config.data()));
        server.setKeyPairProvider(hostKeys);
        // SHA-1 signatures (ssh-rsa, ssh-dss) neither for host keys nor for logins, as OpenSSH since 8.8:
        // an RSA key logs in with rsa-sha2-256 or rsa-sha2-512
        server.setSignatureFactories(server.getSignatureFactories().stream().filter(f -> !SHA1_SIGNATURES.contains(f.getName())).toList());
        server.setPublickeyAuthenticator(new AuthorizedKeys(config.authorized_keys(), keysFile));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        server.setShellFactory(channel -> new GogoShell(processor));
        server.setCommandFactory((channel, command) -> new GogoExecCommand(processor, command));
        try {
            server.start();
        } catch (BindException e) {
            LOG.error("ssh port cannot be bound port={} reason={}", config.port(), e.getMessage());
            throw e;
        }
        hostKeys.start();
        LOG.info("ssh listening port={} hostKeys={}", port(), Path.of(config.data()));
    }

    /** The port actually listened on (differs from the configured one when that was 0). */
    public int port() {
        return server.getPort();
    }

    @Deactivate
    void deactivate() throws IOException, InterruptedException {
        server.stop(true);
        hostKeys.stop();
        LOG.info("ssh stopped port={}", port());
    }
}
