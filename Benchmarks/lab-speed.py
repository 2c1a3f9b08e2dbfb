#!/usr/bin/env python3
"""Benchmarks/lab-speed.py: the same training run by `backprop train` and by the lab, interleaved.

The lab trains on its own thread and stops about four times a second to publish a snapshot for
the page (the network, the learning speed on 100 images, the first layer's weights). This
measures what that costs: the lab's working time (training, evaluation and snapshots; its status
field `seconds`) against `train`'s training plus evaluation time (from --history), same network,
same seed. Both train on one thread; neither is pinned, so the lab's web server (answering this
script's status requests four times a second, as the page's live view does) can use the other
core, as it would on a user's machine.

    MNIST_DIR=../shared/data/mnist Benchmarks/lab-speed.py BACKPROP [--rounds 5]

BACKPROP is a release build (`swift build -c release --product backprop`). Prints each case's
medians and the ratio lab / train.
"""
import json, os, re, signal, statistics, subprocess, sys, tempfile, time, urllib.request

CASES = [  # (layers, epochs, mini-batch size)
    ([784, 30, 10], 10, 10),
    ([784, 100, 10], 5, 10),
]


def train_seconds(binary, layers, epochs, m, folder):
    history = os.path.join(folder, "history.json")
    subprocess.run([binary, "train", "--layers", ",".join(map(str, layers)),
                    "--epochs", str(epochs), "--mini-batch-size", str(m), "--history", history],
                   check=True, capture_output=True, env=dict(os.environ, BACKPROP_RUNS="none"))
    records = json.load(open(history))["epochs"]
    os.remove(history)
    return sum(r["trainingSeconds"] + r["evaluationSeconds"] for r in records)


def lab_seconds(url, layers, epochs, m):
    def call(path, body=None):
        request = urllib.request.Request(url + path, data=None if body is None else json.dumps(body).encode(),
                                         method="GET" if body is None else "POST")
        with urllib.request.urlopen(request) as reply:
            return json.load(reply)
    call("api/train", {"layers": layers, "epochs": epochs, "miniBatchSize": m})
    while True:
        status = call("api/train/status")
        if status["state"] not in ("running", "paused"):
            break
        time.sleep(0.25)  # as often as the page's live view updates
    assert status["state"] == "finished", status["message"]
    return status["seconds"]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 5
    folder = tempfile.mkdtemp(prefix="lab-speed-")
    lab = subprocess.Popen([binary, "lab", "--port", "0", "--models", folder],
                           stdout=subprocess.PIPE, text=True, env=dict(os.environ, BACKPROP_RUNS="none"))
    try:
        url = re.search(r"http://\S+", lab.stdout.readline()).group(0)
        print(f"{'case':<24} {'train s':>9} {'lab s':>9} {'lab/train':>10}   (each round: train s / lab s)")
        for layers, epochs, m in CASES:
            cli, web = [], []
            for _ in range(rounds):
                cli.append(train_seconds(binary, layers, epochs, m, folder))
                web.append(lab_seconds(url, layers, epochs, m))
            a, b = statistics.median(cli), statistics.median(web)
            name = f"{layers} x{epochs} m{m}"
            rounds_text = "  ".join(f"{x:.2f}/{y:.2f}" for x, y in zip(cli, web))
            print(f"{name:<24} {a:9.3f} {b:9.3f} {b / a:10.3f}   {rounds_text}")
    finally:
        lab.send_signal(signal.SIGINT)
        lab.wait(timeout=30)


if __name__ == "__main__":
    main()
