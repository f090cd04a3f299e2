"""Rewrites service files round-robin, RATE a second, for at most SECONDS (or until DIR/stop
exists): the last endpoint of DIR/services/s<i>.yaml goes to 10.255.x.y, or back if the file
has it there, so every rewrite changes the service however many writers ran before; written
aside, then renamed. With COUNTER, one line per rewrite is appended to it.
Used by bench/dns/churn.sh and bench/churn/run.sh (files made by bench/dns/lib.sh's write_services).
Usage: file-churn.py DIR SERVICES SECONDS RATE PER [COUNTER]"""
import os
import sys
import time

d, services, seconds, rate, per = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
written = open(sys.argv[6], "a") if len(sys.argv) > 6 else None
os.makedirs(d + "/tmp", exist_ok=True)
start = time.monotonic(); n = 0
while time.monotonic() - start < seconds and not os.path.exists(d + "/stop"):
    i = n % services
    target = "%s/services/s%d.yaml" % (d, i)
    with open(target) as f:
        moved = "10.255." in f.read()
    lines = ["port: redis", "endpoints:"]
    for j in range(per):
        k = i * per + j
        a = "10.%d.%d.%d" % ((k >> 16) % 256, (k >> 8) % 256, k % 256)
        if j == per - 1 and not moved:
            a = "10.255.%d.%d" % ((i >> 8) % 256, i % 256)
        lines.append("  - %s:6379" % a)
    tmp = "%s/tmp/s%d.yaml" % (d, i)
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, target)
    n += 1
    if written:
        written.write("w\n"); written.flush()
    delay = start + n / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
