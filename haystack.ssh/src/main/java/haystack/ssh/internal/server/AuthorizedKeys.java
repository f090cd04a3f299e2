package haystack.ssh.internal.server;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key authentication against the key lines of HAYSTACK_SSH_AUTHORIZED_KEYS and the
 * file HAYSTACK_SSH_AUTHORIZED_KEYS_FILE, re-read when the file changes. A rejected key is
 * logged with its fingerprint so an operator can tell which key tried.
 */
final class AuthorizedKeys implements PublickeyAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizedKeys.class);

    /** Session attribute: the SHA-256 fingerprint of the key the session logged in with. */
    static final AttributeRepository.AttributeKey<String> FINGERPRINT = new AttributeRepository.AttributeKey<>();

    private final List<PublicKey> inline;
    private final Path file;
    private volatile Loaded fromFile = new Loaded(null, List.of());

    private record Loaded(FileTime modified, List<PublicKey> keys) {
    }

    AuthorizedKeys(String keyLines, Path file) {
        this.inline = parse(keyLines, "HAYSTACK_SSH_AUTHORIZED_KEYS");
        this.file = file;
        if (inline.isEmpty() && file == null) {
            LOG.warn("no authorized keys configured: every ssh login will be refused");
        }
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        for (PublicKey known : keys()) {
            if (KeyUtils.compareKeys(known, key)) {
                // asked once without and once with the signature: the last accepted key is the one that logged in
                String fingerprint = KeyUtils.getFingerPrint(key);
                session.setAttribute(FINGERPRINT, fingerprint);
                LOG.info("ssh key accepted user={} type={} fingerprint={} client={}", username, KeyUtils.getKeyType(key), fingerprint,
                        session.getClientAddress());
                return true;
            }
        }
        LOG.warn("ssh key rejected user={} type={} fingerprint={} client={}", username, KeyUtils.getKeyType(key), KeyUtils.getFingerPrint(key),
                session.getClientAddress());
        return false;
    }

    /** The keys now: the inline ones and the file's, re-read when its modification time moved. */
    List<PublicKey> keys() {
        List<PublicKey> all = new ArrayList<>(inline);
        all.addAll(fileKeys());
        return all;
    }

    private List<PublicKey> fileKeys() {
        if (file == null) {
            return List.of();
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            Loaded loaded = fromFile;
            if (!modified.equals(loaded.modified())) {
                loaded = new Loaded(modified, parse(Files.readString(file), file.toString()));
                fromFile = loaded;
                LOG.info("authorized keys read file={} keys={}", file, loaded.keys().size());
            }
            return loaded.keys();
        } catch (IOException e) {
            LOG.warn("authorized keys file unreadable file={} reason={}", file, e.toString());
            return List.of();
        }
    }

    private static List<PublicKey> parse(String text, String origin) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<PublicKey> keys = new ArrayList<>();
        try {
            // the environment variable may hold several keys separated by newlines or semicolons
            String lines = text.replace(';', '\n');
            for (AuthorizedKeyEntry entry : AuthorizedKeyEntry.readAuthorizedKeys(new StringReader(lines), true)) {
                try {
                    keys.add(entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
                } catch (Exception e) {
                    LOG.warn("authorized key skipped origin={} key={} reason={}", origin, entry.getKeyType(), e.getMessage());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("authorized keys unreadable origin={} reason={}", origin, e.getMessage());
        }
        return keys;
    }
}
