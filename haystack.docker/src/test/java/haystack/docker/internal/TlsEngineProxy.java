package haystack.docker.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/** A TLS endpoint on 127.0.0.1 that requires a client certificate and forwards to the engine's unix socket. */
final class TlsEngineProxy implements AutoCloseable {

    private final SSLServerSocket server;
    private final Path socket;

    TlsEngineProxy(SSLContext context, Path socket) throws IOException {
        this.socket = socket;
        this.server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        Thread t = new Thread(this::accept, "tls-engine-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                SocketChannel engine = SocketChannel.open(StandardProtocolFamily.UNIX);
                engine.connect(UnixDomainSocketAddress.of(socket));
                // the channel's own read and write, not Channels' streams: those share one lock
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream();
                pump(() -> {
                    byte[] buf = new byte[16384];
                    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                        ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                        while (b.hasRemaining()) {
                            engine.write(b);
                        }
                    }
                }, client, engine);
                pump(() -> {
                    ByteBuffer b = ByteBuffer.allocate(16384);
                    while (engine.read(b) >= 0) {
                        out.write(b.array(), 0, b.position());
                        out.flush();
                        b.clear();
                    }
                }, client, engine);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private interface Copy {
        void run() throws IOException;
    }

    private static void pump(Copy copy, Socket client, SocketChannel engine) {
        Thread t = new Thread(() -> {
            try {
                copy.run();
            } catch (IOException e) {
                // a side closed or the handshake failed
            }
            try {
                client.close();
                engine.close();
            } catch (IOException e) {
                // closing
            }
        }, "tls-engine-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
