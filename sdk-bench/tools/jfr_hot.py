#!/usr/bin/env python3
"""Where a server JVM's Java CPU samples go, from a JFR recording (ServeLoad --jfr DIR).

usage: jfr_hot.py RECORDING.jfr [--after HH:MM:SS] [--top N]

Reads jdk.ExecutionSample events through `jfr print --json` (JDK 17), keeps the samples taken at or after
--after (UTC, e.g. the end of the warm-up), and prints: samples per thread group, samples per stage of a
call (image decode and preprocessing, protobuf parse, metrics, response writing, thread hand-offs, the batch
worker's Java side, other), and the methods found most often anywhere on the sampled stacks. Time spent in
native code (ONNX Runtime's kernels) is not sampled by jdk.ExecutionSample.
"""
import argparse
import collections
import json
import re
import subprocess


def frame_name(frame):
    m = frame["method"]
    return m["type"]["name"].split("/")[-1] + "." + m["name"]


def stage(thread, names):
    s = " ".join(names)
    if any(k in s for k in ("Jpeg", "ImageDecoder", "Preprocessor", "BufferedImages", "PngDecoder")):
        return "decode + preprocess"
    if thread.startswith("byol4j-batcher"):
        return "batch worker (Java side)"
    if "parseRequest" in s or "mergeFrom" in s:
        return "protobuf parse"
    if any(k in s for k in ("Histogram", "Counter.", "Gauge.", "ServerMetrics")):
        return "metrics"
    if "MessageFramer" in s or "writeFrame" in s:
        return "response writing"
    if "park" in s.lower() or "Executor" in names[0]:
        return "thread hand-offs"
    return "other (" + re.sub(r"-\d+", "-N", thread) + ")"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("recording")
    p.add_argument("--after", default="00:00:00")
    p.add_argument("--top", type=int, default=25)
    a = p.parse_args()
    text = subprocess.run(
        ["jfr", "print", "--json", "--events", "jdk.ExecutionSample", a.recording],
        check=True, capture_output=True, text=True).stdout
    events = json.loads(text)["recording"]["events"]
    threads, stages, methods = collections.Counter(), collections.Counter(), collections.Counter()
    n = 0
    for e in events:
        v = e["values"]
        if v["startTime"][11:19] < a.after or not v.get("stackTrace"):
            continue
        names = [frame_name(f) for f in v["stackTrace"]["frames"]]
        thread = v["sampledThread"]["javaName"]
        n += 1
        threads[re.sub(r"-\d+", "-N", thread)] += 1
        stages[stage(thread, names)] += 1
        for m in set(names):
            methods[m] += 1
    print(f"{a.recording}: {n} Java execution samples at or after {a.after} UTC")
    print("by thread group:")
    for k, c in threads.most_common():
        print(f"  {c:6d} {100 * c / n:5.1f}%  {k}")
    print("by stage:")
    for k, c in stages.most_common(12):
        print(f"  {c:6d} {100 * c / n:5.1f}%  {k}")
    print(f"methods on the most stacks (top {a.top}):")
    for k, c in methods.most_common(a.top):
        print(f"  {c:6d} {100 * c / n:5.1f}%  {k}")


if __name__ == "__main__":
    main()
