package haystack.lb.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backend and client of bench/tcp/run.sh, the same for every proxy measured.
 * <pre>
 * TcpBenchTool serve port...              backends: a first byte U (discard until end, answer the count),
 *                                         D + 8-byte n (send n bytes), E (echo 8 bytes, then close)
 * TcpBenchTool up|down port bytes streams throughput of one large transfer (split over streams), MB/s
 * TcpBenchTool conns port seconds clients new connections per second, each one echo exchange
 * </pre>
 * Bounded: every socket has a read timeout, every run a duration or a byte count.
 */
public final class TcpBenchTool {

    private static final int CHUNK = 64 * 1024;

    private TcpBenchTool() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve" -> serve(args);
            case "up", "down" -> transfer(args[0].equals("up"), Integer.parseInt(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
            case "conns" -> conns(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void serve(String[] args) throws IOException, InterruptedException {
        ExecutorService threads = Executors.newCachedThreadPool();
        for (int i = 1; i < args.length; i++) {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[i])), 4096);
            threads.execute(() -> {
                while (true) {
                    try {
                        Socket s = server.accept();
                        threads.execute(() -> handle(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }
        System.out.println("tcp bench backends ready");
        Thread.currentThread().join();
    }

    private static void handle(Socket s) {
        try (s) {
            s.setSoTimeout(60_000);
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] buf = new byte[CHUNK];
            switch (in.readByte()) {
                case 'U' -> {
                    long n = 0;
                    for (int r; (r = in.read(buf)) != -1; ) {
                        n += r;
                    }
                    out.writeLong(n);
                }
                case 'D' -> {
                    for (long left = in.readLong(); left > 0; ) {
                        int n = (int) Math.min(buf.length, left);
                        out.write(buf, 0, n);
                        left -= n;
                    }
                }
                case 'E' -> {
                    in.readFully(buf, 0, 8);
                    out.write(buf, 0, 8);
                }
                default -> {
                }
            }
            out.flush();
        } catch (IOException e) {
            // the client went away
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(30_000);
        return s;
    }

    private static void transfer(boolean up, int port, long bytes, int streams) throws Exception {
        long each = bytes / streams;
        List<Thread> threads = new ArrayList<>();
        AtomicLong moved = new AtomicLong();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            Thread t = new Thread(() -> {
                try (Socket s = connect(port)) {
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[CHUNK];
                    if (up) {
                        out.write('U');
                        for (long left = each; left > 0; ) {
                            int n = (int) Math.min(buf.length, left);
                            out.write(buf, 0, n);
                            left -= n;
                        }
                        s.shutdownOutput();
                        long got = new DataInputStream(in).readLong();
                        if (got != each) {
                            throw new IOException("the backend got " + got + " of " + each + " bytes");
                        }
                        moved.addAndGet(got);
                    } else {
                        DataOutputStream d = new DataOutputStream(out);
                        d.writeByte('D');
                        d.writeLong(each);
                        d.flush();
                        long got = 0;
                        for (int r; (r = in.read(buf)) != -1; ) {
                            got += r;
                        }
                        if (got != each) {
                            throw new IOException("received " + got + " of " + each + " bytes");
                        }
                        moved.addAndGet(got);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(600_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "%s bytes=%d seconds=%.2f MBps=%.0f errors=%d%s%n", up ? "up" : "down", moved.get(), seconds,
                moved.get() / seconds / 1e6, errors.size(), errors.isEmpty() ? "" : " first=" + errors.get(0));
    }

    private static void conns(int port, int seconds, int clients) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                byte[] msg = "8 bytes!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                byte[] back = new byte[8];
                while (System.nanoTime() < end) {
                    try (Socket s = connect(port)) {
                        OutputStream out = s.getOutputStream();
                        out.write('E');
                        out.write(msg);
                        new DataInputStream(s.getInputStream()).readFully(back);
                        done.incrementAndGet();
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(seconds * 1000L + 60_000);
        }
        System.out.printf(java.util.Locale.ROOT, "conns per_second=%.0f total=%d errors=%d%n", done.get() / (double) seconds, done.get(), failed.get());
    }
}
