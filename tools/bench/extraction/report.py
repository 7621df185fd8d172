#!/usr/bin/python3
"""Prints run.sh's table from its JSON lines: best (fastest) round of each side, ratios of those, and the medians."""
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]


def positions_table(rows):
    """positions.sh: the same extraction with positions selected on the CPU and in the graph, paired by round."""
    setup = next(r for r in rows if r["kind"] == "positions-setup")
    rounds = [r for r in rows if r["kind"] == "positions-round"]
    arms = {arm: {r["round"]: r for r in rounds if r["arm"] == arm} for arm in ("cpu", "graph")}
    paired = sorted(set(arms["cpu"]) & set(arms["graph"]))
    print(f"GPT-2-small-sized random model, CPU, {setup['examples']} examples, {setup['tokens']} tokens, {setup['batches']} batches, "
          f"--positions {setup['positions']} ({setup['rows']} rows); {len(paired)} rounds, each arm in turn first; "
          f"load {min(r['load'] for r in rounds):.1f}-{max(r['load'] for r in rounds):.1f}")
    print(f"{'measure (median over rounds)':46} {'CPU selection':>14} {'in graph':>10} {'cpu/graph, per round: median (min-max)':>40}")
    for name, key in [("bare forward, batches 2..n, s", "forwardSteadySeconds"),
                      ("bare forward, batches 2..n, CPU s", "forwardCpuSeconds"),
                      ("analysis extract, end to end, s", "extractSeconds"),
                      ("analysis extract, end to end, CPU s", "extractCpuSeconds"),
                      ("analysis extract, batches 2..n, s", "extractSteadySeconds"),
                      ("analysis extract, setup to first batch, s", "extractFirstBatchAt"),
                      ("MB handed back by ONNX Runtime (extract)", "outputBytes")]:
        scale = 1e-6 if key == "outputBytes" else 1
        cpu = [arms["cpu"][r][key] * scale for r in paired]
        graph = [arms["graph"][r][key] * scale for r in paired]
        ratios = [c / g for c, g in zip(cpu, graph)]
        print(f"{name:46} {statistics.median(cpu):14.2f} {statistics.median(graph):10.2f} "
              f"{statistics.median(ratios):18.2f} ({min(ratios):.2f}-{max(ratios):.2f})")
    steady = setup["tokens"] * (setup["batches"] - 1) / setup["batches"]
    for arm in ("cpu", "graph"):
        print(f"tokens/s, extraction batches 2..n, {arm:5}: {steady / statistics.median(arms[arm][r]['extractSteadySeconds'] for r in paired):7.0f}")
    print(f"part files identical in every run: {all(r['sameParts'] for r in rounds)}; "
          f"first extraction of the process: {setup['firstRunSeconds']:.1f} s")


if any(r["kind"] == "positions-setup" for r in rows):
    positions_table(rows)
    if not any(r["kind"] == "setup" for r in rows):
        sys.exit(0)
    print()
setup = next(r for r in rows if r["kind"] == "setup")
ours = [r for r in rows if r["kind"] == "round"]
torch = [r for r in rows if r["kind"] == "torch-round"]
rss = [r for r in rows if r["kind"] == "rss"]


def best(rs, key):
    return min(r[key] for r in rs)


def med(rs, key):
    return statistics.median(r[key] for r in rs)


tokens = setup["tokens"]
print(f"GPT-2-small-sized random model, CPU, {setup['examples']} examples x {setup['maxLength']} tokens = {tokens} tokens, "
      f"{setup['batches']} batches, blocks.*.hook_resid_post, positions all; {len(ours)} rounds; "
      f"load {min(r['load'] for r in ours + torch):.1f}-{max(r['load'] for r in ours + torch):.1f}")
print(f"{'measure':58} {'best s':>8} {'median s':>9} {'tokens/s':>9}")
lines = [
    ("bare forward (session.Run, outputs discarded)", "forwardSeconds", ours),
    ("analysis extract, end to end (setup, tokenize, write)", "extractSeconds", ours),
    ("bare forward, batches 2..n", "forwardSteadySeconds", ours),
    ("analysis extract, batches 2..n (from its progress)", "extractSteadySeconds", ours),
]
if torch:  # a run of the throughput subcommand alone has no torch rounds
    lines.append(("torch forward + hooks + np.save", "extractSeconds", torch))
if ours[0].get("alsoSeconds"):
    codec = ours[0]["alsoCompression"]
    lines[2:2] = [(f"analysis extract --compression {codec}, end to end", "alsoSeconds", ours)]
    lines[5:5] = [(f"analysis extract --compression {codec}, batches 2..n", "alsoSteadySeconds", ours)]
for name, key, rs in lines:
    n = tokens if "2..n" not in name else tokens * (setup["batches"] - 1) / setup["batches"]
    print(f"{name:58} {best(rs, key):8.2f} {med(rs, key):9.2f} {n / best(rs, key):9.0f}")
print(f"{'setup of a session (tokenizer, hooked model, session)':58} {setup['setupSeconds']:8.2f}")
print()
print("ratio (target)                                              best  median")


def ratio(name, num, den):
    print(f"{name:58} {num[0] / den[0]:5.2f}  {num[1] / den[1]:6.2f}")


fw = (best(ours, "forwardSeconds"), med(ours, "forwardSeconds"))
ex = (best(ours, "extractSeconds"), med(ours, "extractSeconds"))
ratio("extract / forward throughput, steady state (>= 0.90)",
      (best(ours, "forwardSteadySeconds"), med(ours, "forwardSteadySeconds")),
      (best(ours, "extractSteadySeconds"), med(ours, "extractSteadySeconds")))
if ours[0].get("alsoSeconds"):
    ratio(f"  the same with --compression {codec}", (best(ours, "forwardSteadySeconds"), med(ours, "forwardSteadySeconds")),
          (best(ours, "alsoSteadySeconds"), med(ours, "alsoSteadySeconds")))
ratio("extract / (setup + forward), end to end (>= 0.90)", (fw[0] + setup["setupSeconds"], fw[1] + setup["setupSeconds"]), ex)
ratio("extract / forward, CPU seconds", (best(ours, "forwardCpuSeconds"), med(ours, "forwardCpuSeconds")),
      (best(ours, "extractCpuSeconds"), med(ours, "extractCpuSeconds")))
if torch:
    ratio("ours vs torch+hooks+np.save, wall (>= 1.5)", (best(torch, "extractSeconds"), med(torch, "extractSeconds")), ex)
    ratio("ours vs torch+hooks+np.save, CPU seconds", (best(torch, "extractCpuSeconds"), med(torch, "extractCpuSeconds")),
          (best(ours, "extractCpuSeconds"), med(ours, "extractCpuSeconds")))
if not rss:
    sys.exit(0)
print()
print("peak RSS, blocks.*.hook_resid_post, positions all (target: flat within 10%); part = examples per part file")
print(f"{'model':18} {'part':>5} {'tokens':>9} {'rows':>9} {'MB written':>11} {'seconds':>8} {'peak RSS MB':>12} {'vs first':>9}")
key = lambda r: (r.get("model", "stories260k"), r.get("examplesPerPart", 1024))
for model, part in dict.fromkeys(key(r) for r in rss):
    series = [r for r in rss if key(r) == (model, part)]
    for r in series:
        print(f"{model:18} {part:5} {r['tokens']:9} {r['rows']:9} {r['bytes'] / 1e6:11.1f} {r['seconds']:8.1f} "
              f"{r['peakRssKb'] / 1024:12.1f} {r['peakRssKb'] / series[0]['peakRssKb']:8.2f}x")
