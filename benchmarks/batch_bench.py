"""Throughput, overhead, memory and crash-safety of ``summarize batch``, side by side in one run.

    .venv/bin/python -m benchmarks.batch_bench [--scale 1.0] [--rss-records 100000] [--skip peer,kill,...]

Every figure is measured in this run against the fake OpenAI server on
127.0.0.1 (in a subprocess of its own, so it does not share the GIL with the
client), and printed as a ratio to its ideal or to a peer measured in the same
run, because absolute numbers on a shared 2-core machine mean little:

* throughput at concurrency 1, 8, 64 with 200 ms latency, as a share of the
  ideal ``C / (calls per article x latency)`` (goal >= 90 % at 64), with the
  CLI's default worker processes, and at 64 in one process for comparison,
  for 12 rounds of C articles and, at 64, for 48;
* batch overhead per article at zero latency: the batch minus a plain loop of
  ``Briefer.brief`` over the same articles (goal <= 5 ms);
* re-runs of 10,000 articles: skipped through the ledger, and re-briefed from
  the answer cache into a new folder, in one process and in two (goal >= 2,000
  articles/s);
* the same articles through a plain sequential instructor loop, as instructor's
  docs show it, against the batch at concurrency 64 (the peer);
* peak RSS of a batch of 10k and of 100k JSONL records (flat = about equal);
* the fault matrix (429 with Retry-After, 500, hangs past the timeout, invalid
  JSON, truncated answers): every article in briefs.jsonl or errors.jsonl, once;
* kill -9 at a random moment of a 2,000-article run with two processes, then
  resume: none lost, none duplicated.

The machine's CPU is shared, so each figure is followed by what the CPUs did
meanwhile: how busy they were, how much of that was this benchmark (its
process, the fake server and the worker processes) and the load average.

The default run takes a few minutes on 2 cores; ``--scale`` multiplies the
article counts. The fake server's replies are one event per article (one
Survey answer and one IncidentDetail answer), built from the test payloads.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from summarize.backends.base import Completion, Message, Usage
from summarize.batch import BatchOptions, run_batch
from summarize.batch.summary import BatchProgress
from summarize.brief.cache import AnswerCache
from summarize.brief.extraction import IncidentDetail, Survey
from summarize.brief.pipeline import Briefer
from summarize.config import Settings
from summarize.inputs import Article, article_from_text
from summarize.schema import ArticleMeta, Brief
from summarize.testing.canned import TEXT, detail, survey

REPO = Path(__file__).resolve().parent.parent
MODEL = "fake-model"


def _fit(data: dict[str, Any], model: type[Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in model.model_fields}


SURVEY = _fit(survey(events=survey()["events"][:1]), Survey)
DETAIL = _fit(detail(), IncidentDetail)


def texts(count: int, tag: str = "") -> Iterator[str]:
    for n in range(count):
        yield f"{TEXT}\n\nReport {tag}{n}."


def write_jsonl(path: Path, count: int, tag: str = "") -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for n, text in enumerate(texts(count, tag)):
            handle.write(json.dumps({"id": n, "text": text}) + "\n")
    return path


# -- the fake server, in its own process ----------------------------------------------------------


def _serve(latency: float, faults: bool) -> None:
    from summarize.testing import Answer, FakeOpenAIServer, FaultRates

    def respond(request: Mapping[str, Any]) -> Any:
        name = request["tools"][0]["function"]["name"]
        return Answer(SURVEY if name == "Survey" else DETAIL)

    rates = (
        FaultRates(
            p429=0.10,
            p500=0.05,
            p_hang=0.02,
            p_invalid=0.05,
            p_truncated=0.02,
            retry_after=0.05,
            hang_seconds=2.0,
            seed=11,
        )
        if faults
        else None
    )
    with FakeOpenAIServer(default=respond, latency=latency, faults=rates, keep_requests=False) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()  # serve until the parent closes our stdin


@contextlib.contextmanager
def fake_server(latency: float, *, faults: bool = False) -> Iterator[str]:
    args = [sys.executable, "-m", "benchmarks.batch_bench", "serve", str(latency)] + (
        ["--faults"] if faults else []
    )
    process = subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=10)


def settings_for(base_url: str, cache: Path, **extra: Any) -> Settings:
    return Settings.resolve(environ={}, base_url=base_url, model=MODEL, cache_dir=cache, **extra)


# -- what the CPUs did meanwhile --------------------------------------------------------------------


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _tree_seconds() -> float:
    """CPU seconds of this process and all below it, reaped children included (worker processes are
    reaped by the fork server, the fake server by us)."""
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            times[pid] = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    tree, frontier = {os.getpid()}, {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - tree
        tree |= frontier
    return sum(times.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def cpu_context() -> Iterator[dict[str, str]]:
    """Measures the block; afterwards ``["line"]`` says how busy the CPUs were and with what."""
    report: dict[str, str] = {}
    busy0, total0 = _machine_jiffies()
    ours0, wall0 = _tree_seconds(), time.perf_counter()
    yield report
    busy1, total1 = _machine_jiffies()
    ours, wall = _tree_seconds() - ours0, time.perf_counter() - wall0
    cpus = os.cpu_count() or 1
    busy = (busy1 - busy0) / max(1, total1 - total0) * cpus
    report["line"] = (
        f"    cpu: {busy:.2f} of {cpus} busy over {wall:.1f} s: this benchmark {ours / wall:.2f}, "
        f"others {max(0.0, busy - ours / wall):.2f}; load {os.getloadavg()[0]:.1f}"
    )


# -- in-process stand-ins for the memory and re-run figures -----------------------------------------


class Instant:
    """A backend that answers at once (no HTTP): isolates the pipeline and the batch.

    It answers on an event loop too, as the OpenAI backend does, so a batch takes the same path
    (one event-loop worker per process) as against a real endpoint.
    """

    @property
    def model_id(self) -> str:
        return MODEL

    def identity(self) -> Mapping[str, Any]:
        return {"backend": "instant", "model": MODEL}

    def close(self) -> None:
        """Nothing to release."""

    def complete(self, messages: Sequence[Message], response_model: type[Any]) -> Completion[Any]:
        data = SURVEY if response_model is Survey else DETAIL
        return Completion(response_model.model_validate(data), Usage(10, 5, 1))

    async def acomplete(self, messages: Sequence[Message], response_model: type[Any]) -> Completion[Any]:
        return self.complete(messages, response_model)

    async def aclose(self) -> None:
        """Nothing to release."""


class CannedBriefer(Briefer):
    """Returns one prebuilt brief per article: measures the batch's own memory, not the pipeline's."""

    def __init__(self) -> None:
        super().__init__(Instant())
        self._canned = Briefer(Instant()).brief(article_from_text(TEXT))

    def brief(self, article: Article, progress: Any = None) -> Brief:
        meta = ArticleMeta(id=article.id, source=article.source, chars=len(article.text))
        return self._canned.model_copy(update={"article": meta})


def _peak_rss_kib() -> int:
    """This process's peak RSS. Not ``ru_maxrss``: Linux carries that over ``exec`` from the forked copy
    of the parent, so a child of a big benchmark process would report the parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _rss_child(records: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = write_jsonl(Path(tmp) / "in.jsonl", records)
        before = _peak_rss_kib()
        summary = run_batch(
            [source],
            Path(tmp) / "out",
            briefer=CannedBriefer(),
            options=BatchOptions(concurrency=8, durable=False),
        )
        peak = _peak_rss_kib()
    print(json.dumps({"ok": summary.ok, "before_kib": before, "peak_kib": peak, "wall_s": summary.wall_s}))


def peak_rss(records: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.batch_bench", "rss", str(records)],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# -- the figures ----------------------------------------------------------------------------------


def _batch(
    source: Path,
    out: Path,
    settings: Settings,
    concurrency: int,
    progress: Callable[[BatchProgress], None] | None = None,
    **options: Any,
) -> Any:
    return run_batch(
        [source],
        out,
        settings=settings,
        options=BatchOptions(concurrency=concurrency, **options),
        progress=progress,
    )


def _steady_rate(marks: Sequence[tuple[float, int]], total: int) -> float:
    """Articles per second from the 10th to the 90th percent of completions (start-up and tail left out)."""
    first = next(t for t, ok in marks if ok >= 0.1 * total)
    last = next(t for t, ok in marks if ok >= 0.9 * total)
    return 0.8 * total / max(last - first, 1e-9)


def throughput(tmp: Path, scale: float) -> None:
    latency = 0.2
    print(f"throughput at {latency * 1000:.0f} ms latency (2 calls per article; ideal = C / 0.4 s)")
    print("  ratio: over the whole run, start-up included (worker processes, first calls); steady (long")
    print("  runs): the rate between the 10th and the 90th percent of the articles written")
    with fake_server(latency) as url:
        # 12 rounds per concurrency; then a longer run at 64, where starting the worker processes
        # (the fork server imports the pipeline once, ~1-2 s of CPU) is paid off as in a real batch
        runs = [(1, None, 12), (8, None, 12), (64, None, 12), (64, 1, 12), (64, None, 48), (64, 1, 48)]
        for concurrency, processes, rounds in runs:
            count = max(concurrency * 2, int(concurrency * rounds * scale))
            tag = f"{concurrency}-{processes}-{rounds}"
            source = write_jsonl(tmp / f"tp{tag}.jsonl", count, f"tp{tag}-")
            marks: list[tuple[float, int]] = []
            with cpu_context() as cpu:
                summary = _batch(
                    source,
                    tmp / f"tp{tag}",
                    settings_for(url, tmp / "c"),
                    concurrency,
                    processes=processes,
                    progress=lambda p, marks=marks: marks.append((time.perf_counter(), p.ok)),
                )
            ideal = concurrency / (2 * latency)
            # in short runs articles finish in waves of C, which a percentile window cuts unevenly
            steady = f"steady {_steady_rate(marks, summary.ok) / ideal:6.1%}" if rounds >= 24 else ""
            print(
                f"  C={concurrency:<3} {summary.processes} proc {summary.ok:5d} articles  "
                f"{summary.articles_per_s:7.2f}/s  ideal {ideal:7.2f}/s  "
                f"ratio {summary.articles_per_s / ideal:6.1%}  {steady}".rstrip()
            )
            print(cpu["line"])


def overhead(tmp: Path, scale: float) -> None:
    count = int(300 * scale)
    with fake_server(0.0) as url:
        warm = Briefer.from_settings(settings_for(url, tmp / "warm-cache"))
        warm.brief(article_from_text("Gunmen attacked a checkpoint in Gao on Tuesday."))  # imports, schemas
        warm.close()
        loop_briefer = Briefer.from_settings(settings_for(url, tmp / "loop-cache"))
        started = time.perf_counter()
        for text in texts(count, "ov-"):
            loop_briefer.brief(article_from_text(text))
        loop_s = time.perf_counter() - started
        loop_briefer.close()
        source = write_jsonl(tmp / "ov.jsonl", count, "ov2-")
        started = time.perf_counter()
        _batch(source, tmp / "ov", settings_for(url, tmp / "batch-cache"), 1)
        batch_s = time.perf_counter() - started
    per_loop = loop_s / count * 1000
    per_batch = batch_s / count * 1000
    print(f"overhead at zero latency, concurrency 1, {count} articles (whole calls, set-up included)")
    print(f"  plain Briefer.brief loop                {per_loop:6.2f} ms/article")
    print(f"  batch (read, ledger, fsync'ed append)   {per_batch:6.2f} ms/article")
    print(f"  batch overhead                          {per_batch - per_loop:6.2f} ms/article  (goal <= 5 ms)")


def reruns(tmp: Path, scale: float) -> None:
    count = int(10_000 * scale)
    source = write_jsonl(tmp / "rerun.jsonl", count, "rr-")
    with AnswerCache(tmp / "rr-cache") as cache:
        briefer = Briefer(Instant(), cache=cache)
        timings = []
        # first run, the same command again, a new folder (one process), a new folder (two)
        for out, processes in (("rr", 1), ("rr", 1), ("rr-new1", 1), ("rr-new2", 2)):
            options = BatchOptions(concurrency=8, processes=processes)
            with cpu_context() as cpu:
                started = time.perf_counter()
                summary = run_batch([source], tmp / out, briefer=briefer, options=options)
                timings.append((summary, time.perf_counter() - started, cpu))
    (first, first_s, _), (skip, skip_s, skip_cpu), *new_folder = timings
    print(f"re-runs of {count} articles (in-process model; first run {first.ok} briefed in {first_s:.1f} s)")
    skip_rate = skip.skipped / skip_s
    print(
        f"  same command again (ledger skips)  {skip_rate:8.0f} articles/s  {skip_rate / 2000:5.1f}x the goal"
    )
    print(skip_cpu["line"])
    for summary, seconds, cpu in new_folder:
        rate = summary.ok / seconds
        print(
            f"  new folder, cache warm, {summary.processes} proc {rate:8.0f} articles/s  "
            f"{rate / 2000:5.1f}x the goal ({summary.cached} all-cached)"
        )
        print(cpu["line"])


def peer(tmp: Path, scale: float) -> None:
    import instructor
    from openai import OpenAI

    count, latency = int(1000 * scale), 0.02
    with fake_server(latency) as url:
        client = instructor.from_openai(OpenAI(base_url=url, api_key="sk-none"))
        started = time.perf_counter()
        for text in texts(count, "peer-"):
            found = client.chat.completions.create(
                model=MODEL,
                response_model=Survey,
                messages=[{"role": "user", "content": f"List the incidents in:\n\n{text}"}],
            )
            for event in found.events:
                client.chat.completions.create(
                    model=MODEL,
                    response_model=IncidentDetail,
                    messages=[{"role": "user", "content": f"Details of {event.what} in:\n\n{text}"}],
                )
        loop_s = time.perf_counter() - started
        source = write_jsonl(tmp / "peer.jsonl", count, "peer-")
        summary = _batch(source, tmp / "peer", settings_for(url, tmp / "peer-cache"), 64)
    print(f"peer: {count} articles at {latency * 1000:.0f} ms latency")
    print(f"  sequential instructor loop {count / loop_s:8.2f} articles/s")
    print(
        f"  summarize batch, C=64      {summary.articles_per_s:8.2f} articles/s  "
        f"{summary.articles_per_s / (count / loop_s):5.1f}x the loop (which skips grounding, cache, fsync)"
    )


def memory(records: int) -> None:
    small_n = max(1, records // 10)
    small, large = peak_rss(small_n), peak_rss(records)
    print("peak RSS of a batch of JSONL records (canned briefs: the batch's own memory)")
    for n, r in ((small_n, small), (records, large)):
        print(f"  {n:7d} records  {r['peak_kib'] / 1024:7.1f} MiB  ({r['ok']} ok in {r['wall_s']:.1f} s)")
    print(
        f"  {records} / {small_n}: {large['peak_kib'] / small['peak_kib']:5.2f}x the memory, 10x the records"
    )


def _check_once(out: Path, expected: int) -> tuple[int, int, int, int]:
    briefed = Counter(
        json.loads(line)["article"]["id"] for line in (out / "briefs.jsonl").read_text().splitlines()
    )
    failed = Counter(json.loads(line)["id"] for line in (out / "errors.jsonl").read_text().splitlines())
    twice = sum(1 for c in (briefed + failed).values() if c > 1) + len(set(briefed) & set(failed))
    lost = expected - len(set(briefed) | set(failed))
    return len(briefed), len(failed), twice, lost


def faults(tmp: Path, scale: float) -> None:
    count = int(500 * scale)
    source = write_jsonl(tmp / "faults.jsonl", count, "f-")
    with fake_server(0.0, faults=True) as url:
        settings = settings_for(url, tmp / "f-cache", timeout=0.5, http_retries=3)
        summary = _batch(source, tmp / "faults", settings, 16)
    briefed, failed, twice, lost = _check_once(tmp / "faults", count)
    print(
        f"fault matrix on {count} articles (10% 429+Retry-After, 5% 500, 2% hang, 5% invalid, 2% truncated)"
    )
    print(
        f"  {briefed} briefed + {failed} errors = {briefed + failed}; twice {twice}; lost {lost}  "
        f"({summary.attempts - summary.model_calls} re-asks, {summary.wall_s:.1f} s)"
    )


def kill_and_resume(tmp: Path, scale: float) -> None:
    count = int(2000 * scale)
    source = write_jsonl(tmp / "kill.jsonl", count, "k-")
    out = tmp / "kill"
    with fake_server(0.01) as url:
        args = [sys.executable, "-m", "summarize", "batch", str(source), "-o", str(out), "-q", "-j", "16"]
        args += ["-P", "2"]
        args += ["--base-url", url, "--model", MODEL]
        env = {**os.environ, "SUMMARIZE_CACHE_DIR": str(tmp / "k-cache")}
        process = subprocess.Popen(args, stderr=subprocess.DEVNULL, env=env, cwd=REPO)
        moment = random.uniform(2.0, 6.0)
        time.sleep(moment)
        process.send_signal(signal.SIGKILL)
        process.wait()
        before = (out / "briefs.jsonl").read_bytes().count(b"\n") if (out / "briefs.jsonl").exists() else 0
        resumed = subprocess.run(args, stderr=subprocess.DEVNULL, env=env, cwd=REPO, check=False)
    briefed, failed, twice, lost = _check_once(out, count)
    print(
        f"kill -9 after {moment:.1f} s of a {count}-article run in 2 processes ({before} briefs written), "
        "then resume"
    )
    print(
        f"  resume exit {resumed.returncode}: {briefed} briefed + {failed} errors; twice {twice}; lost {lost}"
    )


SECTIONS = ("throughput", "overhead", "reruns", "peer", "memory", "faults", "kill")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        _serve(float(sys.argv[2]), "--faults" in sys.argv)
        return
    if len(sys.argv) > 1 and sys.argv[1] == "rss":
        _rss_child(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the article counts")
    parser.add_argument("--rss-records", type=int, default=100_000, help="the larger memory run")
    parser.add_argument("--skip", default="", help=f"comma-separated sections to skip: {','.join(SECTIONS)}")
    ns = parser.parse_args()
    skip = set(filter(None, ns.skip.split(",")))
    import logging

    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        for name in SECTIONS:
            if name in skip:
                continue
            if name == "memory":
                memory(ns.rss_records)
            else:
                globals()[{"kill": "kill_and_resume"}.get(name, name)](tmp, ns.scale)
            sys.stdout.flush()
    print(f"total {time.perf_counter() - started:.0f} s on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
