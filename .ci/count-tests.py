"""Counts the tests that ran, by kind: unit (surefire, no Docker), Docker-backed (surefire,
classes marked @RequiresDocker) and in-framework (bnd-testing, and failsafe ITs that launch
Felix). Fails when a kind ran none."""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

docker_classes = set()
for path in glob.glob("*/src/test/java/**/*.java", recursive=True):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    if "@RequiresDocker" in source:
        package = re.search(r"^package\s+([\w.]+);", source, re.M)
        name = os.path.splitext(os.path.basename(path))[0]
        docker_classes.add((package.group(1) + "." if package else "") + name)

counts = {kind: {"run": 0, "failed": 0, "skipped": 0} for kind in ("unit", "docker", "in-framework")}

def add(kind, suite):
    c = counts[kind]
    c["run"] += int(suite.get("tests", 0))
    c["failed"] += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    c["skipped"] += int(suite.get("skipped", 0))

for path in glob.glob("*/target/surefire-reports/TEST-*.xml"):
    suite = ET.parse(path).getroot()
    add("docker" if suite.get("name") in docker_classes else "unit", suite)
# bnd-testing runs, and failsafe ITs that launch Felix themselves
for path in glob.glob("*/target/test-reports/**/TEST-*.xml", recursive=True) + glob.glob("*/target/failsafe-reports/TEST-*.xml"):
    add("in-framework", ET.parse(path).getroot())

for kind, c in counts.items():
    print(f"ci: {kind} tests: {c['run'] - c['skipped']} ran, {c['failed']} failed, {c['skipped']} skipped")
passed = sum(c["run"] - c["skipped"] - c["failed"] for c in counts.values())
failed = sum(c["failed"] for c in counts.values())
skipped = sum(c["skipped"] for c in counts.values())
print(f"{passed} passed, {failed} failed, {skipped} skipped")
empty = [kind for kind, c in counts.items() if c["run"] - c["skipped"] == 0]
if empty:
    print("ci: FAILED: no tests ran of kind " + ", ".join(empty))
    sys.exit(1)
sys.exit(1 if failed else 0)
