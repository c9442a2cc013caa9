"""Minimal reproduction: a large display_data from the Deno Jupyter kernel reaches IOPub
subscribers with an invalid HMAC signature when more than one subscriber is connected.

Usage: python3 iopub_signature.py [--mb 11] [--subscribers 2] [--deno deno] [--rounds 3]

Starts `deno jupyter --kernel` with a fresh connection file, connects N IOPub SUB sockets
(a Jupyter server always has two: the browser's channel and its activity monitor), runs
one cell that displays a text/html string of the given size followed by a small cell,
and reports, per subscriber, every message received: type, size, and whether its
signature verifies with the connection file's key. Needs only jupyter_client and pyzmq.
"""
import argparse, json, os, subprocess, sys, tempfile, time, uuid

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.session import Session

ap = argparse.ArgumentParser()
ap.add_argument("--mb", type=float, default=11.0, help="size of the text/html payload, MB")
ap.add_argument("--subscribers", type=int, default=2, help="IOPub subscribers (SUB sockets)")
ap.add_argument("--deno", default="deno", help="deno executable")
ap.add_argument("--rounds", type=int, default=3, help="times to run the large cell")
ap.add_argument("--mode", choices=["raw", "client"], default="client",
                help="subscribers: jupyter_client KernelClients (each a SUB socket read by its own "
                     "channel, as in a Jupyter server) or raw zmq SUB sockets read in one loop")
ap.add_argument("--wait", type=float, default=20.0, help="seconds to wait for messages per round")
args = ap.parse_args()

tmp = tempfile.mkdtemp(prefix="deno_iopub_")
conn_file, cfg = write_connection_file(os.path.join(tmp, "kernel.json"), ip="127.0.0.1",
                                       key=uuid.uuid4().hex.encode())
kernel = subprocess.Popen([args.deno, "jupyter", "--kernel", "--conn", conn_file],
                          stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "kernel.log"), "wb"))
try:
    kc = BlockingKernelClient(connection_file=conn_file)
    kc.load_connection_file()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    kc.iopub_channel.stop()  # only our own SUB sockets listen from here on
    session = Session(key=cfg["key"].encode() if isinstance(cfg["key"], str) else cfg["key"],
                      signature_scheme=cfg["signature_scheme"])
    ctx = zmq.Context.instance()
    subs, clients = [], []
    for _ in range(args.subscribers):
        if args.mode == "client":
            c = BlockingKernelClient(connection_file=conn_file)
            c.load_connection_file()
            c.start_channels(shell=False, stdin=False, hb=False, control=False)
            clients.append(c)
        else:
            s = ctx.socket(zmq.SUB)
            s.setsockopt(zmq.SUBSCRIBE, b"")
            s.connect(f"tcp://127.0.0.1:{cfg['iopub_port']}")
            subs.append(s)
    time.sleep(1.0)  # let the SUB sockets finish connecting

    n = int(args.mb * 1_000_000)
    big = ('const big = "x".repeat(%d); '
           '({ [Symbol.for("Jupyter.display")]() { return { "text/html": big, "text/plain": "big" }; } })' % n)
    report = {"deno": subprocess.run([args.deno, "--version"], capture_output=True, text=True).stdout.split("\n")[0],
              "jupyter_client": __import__("jupyter_client").__version__, "zmq": zmq.zmq_version(),
              "payload_bytes": n, "subscribers": args.subscribers, "rounds": []}
    for r in range(args.rounds):
        mid = kc.execute(big)
        kc.execute("1 + 1")
        deadline = time.time() + args.wait
        per_sub = [[] for _ in range(args.subscribers)]
        poller = zmq.Poller()
        for s in subs:
            poller.register(s, zmq.POLLIN)
        while time.time() < deadline and clients:
            for i, c in enumerate(clients):
                try:
                    m = c.get_iopub_msg(timeout=0.05)
                    size = len(json.dumps(m["content"]))
                    per_sub[i].append({"type": m["msg_type"], "bytes": size, "signature": "ok"})
                except ValueError as e:  # jupyter_client: "Invalid Signature: b'…'"
                    per_sub[i].append({"type": "?", "bytes": 0, "signature": str(e)[:40]})
                except Exception:  # queue.Empty
                    pass
        while time.time() < deadline and subs:
            for sock, _ in poller.poll(200):
                i = subs.index(sock)
                frames = sock.recv_multipart()
                size = sum(len(p) for p in frames)
                if b"<IDS|MSG>" not in frames:
                    # Not a Jupyter message at all: frames of another message, out of order.
                    per_sub[i].append({"type": "?", "bytes": size, "signature": "no delimiter (%d frames: %s)" % (
                        len(frames), ", ".join("%d B %r" % (len(f), bytes(f[:12])) for f in frames[:6]))})
                    continue
                _, parts = session.feed_identities(frames, copy=True)
                try:
                    msg = session.deserialize(parts, content=False)
                    per_sub[i].append({"type": msg["header"]["msg_type"], "bytes": size, "signature": "ok"})
                except ValueError as e:  # "Invalid Signature: ..." / "Duplicate Signature"
                    kind = str(e).split(":")[0]
                    per_sub[i].append({"type": "?", "bytes": size, "signature": kind})
        report["rounds"].append({
            "subscribers": [[f'{m["type"]}:{m["bytes"]}:{m["signature"]}' for m in ms
                             if m["type"] != "status" or m["signature"] != "ok"] for ms in per_sub],
            "bad_signatures": [sum(1 for m in ms if m["signature"] != "ok") for ms in per_sub],
            "large_result_received": [sum(1 for m in ms if m["type"] == "execute_result" and m["bytes"] > n) for ms in per_sub],
            "order": [" ".join(m["type"] if m["type"] != "status" else "status" for m in ms) for ms in per_sub],
        })
    print(json.dumps(report, indent=1))
finally:
    kernel.kill()
    kernel.wait()
